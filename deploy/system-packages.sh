#!/usr/bin/env bash
# The Debian packages the product and its tests use, installed on a fresh machine (root):
# Chromium (browser tests), Tesseract (OCR of image-only pages), nginx (the reverse proxy in the deployment tests),
# WordPress with MariaDB and PHP (the plugin's end-to-end test), wrk (the API load benchmark's client). Skips apt
# when everything is already there.
set -euo pipefail

packages=(
    chromium
    tesseract-ocr tesseract-ocr-eng
    nginx
    wordpress php-cli php-mysql mariadb-server mariadb-client
    wrk
)
missing=()
for package in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if [ "${#missing[@]}" -eq 0 ]; then
    exit 0
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update
# nginx is named with wordpress so that it, not apache2, satisfies wordpress's web-server dependency.
apt-get install -y --no-install-recommends "${missing[@]}"
# The tests start their own nginx and MariaDB on loopback; the package's services are not needed.
for service in nginx mariadb apache2; do
    if command -v systemctl >/dev/null && systemctl is-active --quiet "$service" 2>/dev/null; then
        systemctl stop "$service" || true
    fi
done
