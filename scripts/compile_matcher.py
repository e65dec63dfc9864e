"""Compile the screening matcher (``tatara/screening/matching``) to C with mypyc.

The same typed source runs either way: compiled, the matcher screens about 1.7 times as many
names a second; without a C compiler (or with ``TATARA_NO_COMPILE=1``) the ``.py`` files run
as they are. ``make install`` calls this; the extension modules land beside the sources
(ignored by git) and the test suite refuses to run on ones older than their source.
See docs/decisions/0022-screening-matcher-compiled.md.

    .venv/bin/python scripts/compile_matcher.py          # compile (about a minute)
    .venv/bin/python scripts/compile_matcher.py --clean  # remove the compiled modules
"""

from __future__ import annotations

import os
import shutil
import sys
import sysconfig
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src"
PACKAGE = SRC / "tatara" / "screening" / "matching"
GROUP = "tatara_matching"  # the shared library every compiled module links to
SUFFIX = sysconfig.get_config_var("EXT_SUFFIX") or ".so"


def compiled_files() -> list[Path]:
    return sorted(PACKAGE.glob(f"*{SUFFIX}")) + sorted(SRC.glob(f"{GROUP}__mypyc*{SUFFIX}"))


def sources() -> list[Path]:
    # __init__ stays Python: it is what reports whether the compiled modules are in use
    return sorted(p for p in PACKAGE.glob("*.py") if p.name != "__init__.py")


def clean() -> None:
    for path in compiled_files():
        path.unlink()
    shutil.rmtree(ROOT / "build" / "mypyc", ignore_errors=True)


def compile_all() -> int:
    try:
        from mypyc.build import mypycify
        from setuptools import setup
    except ImportError:
        print("compile_matcher: mypyc is not installed; the matcher runs as Python")
        return 0
    clean()
    build = ROOT / "build" / "mypyc"
    os.chdir(SRC)
    build.mkdir(parents=True, exist_ok=True)
    # the matcher imports no Django: the project's mypy configuration (django-stubs) is not
    # needed, and its plugin would want settings
    config = build / "mypy.ini"
    config.write_text("[mypy]\nignore_missing_imports = True\n")
    modules = [str(p.relative_to(SRC)) for p in sources()]
    extensions = mypycify(
        ["--config-file", str(config), *modules],
        opt_level="3",
        target_dir=str(build),
        group_name=GROUP,
    )
    setup(
        name="tatara-matching",
        ext_modules=extensions,
        script_args=[
            "--quiet",
            "build",
            "--build-base",
            str(build / "setuptools"),
            "build_ext",
            "--inplace",
        ],
    )
    print(f"compile_matcher: {len(modules)} modules compiled")
    return 0


def main(argv: list[str]) -> int:
    if "--clean" in argv:
        clean()
        return 0
    if os.environ.get("TATARA_NO_COMPILE"):
        clean()
        print("compile_matcher: TATARA_NO_COMPILE set; the matcher runs as Python")
        return 0
    try:
        return compile_all()
    except (SystemExit, Exception) as exc:  # no compiler, no headers: Python still works
        clean()
        if os.environ.get("CI") == "true":
            raise  # CI measures and tests the compiled matcher: a failure is a failure
        print(f"compile_matcher: not compiled ({exc}); the matcher runs as Python")
        return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
