# The CCIN Knowledge Base as a container image (docs/deploy.md "Docker and Compose"). The install steps are
# deploy/install.sh, the same script a server and `make setup` run, so this file only arranges them.
#   docker build -t ccin-kb .
#   docker run -p 127.0.0.1:8000:8000 -v ccin-data:/var/lib/ccin -e CCIN_API_KEY=... ccin-kb
FROM python:3.11-slim-bookworm

ENV PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    HF_HUB_OFFLINE=1 \
    TRANSFORMERS_OFFLINE=1 \
    ANONYMIZED_TELEMETRY=False \
    XDG_CACHE_HOME=/opt/ccin/cache \
    CCIN_DATA_DIR=/var/lib/ccin/data \
    PATH=/opt/ccin/venv/bin:$PATH

# Tesseract reads PDF pages that are only a scanned image (CCIN_OCR=auto uses it when it is there).
RUN apt-get update \
    && apt-get install -y --no-install-recommends tesseract-ocr tesseract-ocr-eng \
    && rm -rf /var/lib/apt/lists/*

COPY . /opt/ccin/src
# The venv, the CPU build of torch, the product, and the model exported to ONNX into /opt/ccin/cache.
RUN /opt/ccin/src/deploy/install.sh --venv /opt/ccin/venv --model-cache /opt/ccin/cache \
        --torch-index https://download.pytorch.org/whl/cpu

# A user of its own; it owns only the data volume.
RUN useradd --system --uid 10001 --user-group --home-dir /var/lib/ccin --shell /usr/sbin/nologin ccin \
    && mkdir -p /var/lib/ccin/data /var/lib/ccin/documents \
    && chown -R ccin:ccin /var/lib/ccin
USER ccin
WORKDIR /var/lib/ccin
VOLUME /var/lib/ccin

EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=90s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/health', timeout=4)"]
CMD ["ccin", "serve", "--host", "0.0.0.0", "--port", "8000"]
