"""Build the installable WordPress plugin: wordpress/ccin-search/ → dist/ccin-search.zip, with every file under
a top-level `ccin-search/` folder as WordPress's "Upload Plugin" expects. Python's zipfile, so no `zip` needed.

    python wordpress/build_zip.py [--out dist/ccin-search.zip]
"""

from __future__ import annotations

import argparse
import zipfile
from pathlib import Path

PLUGIN = Path(__file__).resolve().parent / "ccin-search"
DEFAULT_OUT = Path(__file__).resolve().parent.parent / "dist" / "ccin-search.zip"
# Fixed timestamps make the zip depend only on the files' contents.
EPOCH = (2024, 1, 1, 0, 0, 0)


def plugin_files(plugin: Path = PLUGIN) -> list[Path]:
    """The plugin's files, sorted, leaving out editor backups and hidden files."""
    return sorted(
        path
        for path in plugin.rglob("*")
        if path.is_file()
        and not any(part.startswith(".") for part in path.relative_to(plugin).parts)
        and not path.name.endswith("~")
    )


def build(out: Path = DEFAULT_OUT, plugin: Path = PLUGIN) -> Path:
    """Write the zip to `out` (replacing it) and answer its path."""
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_suffix(".zip.partial")
    with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for path in plugin_files(plugin):
            name = f"{plugin.name}/{path.relative_to(plugin).as_posix()}"
            info = zipfile.ZipInfo(name, date_time=EPOCH)
            info.external_attr = 0o644 << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, path.read_bytes())
    partial.replace(out)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="where to write the zip")
    print(build(parser.parse_args().out))


if __name__ == "__main__":
    main()
