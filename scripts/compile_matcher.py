"""Compile the screening matcher (``tatara/screening/matching``) to C with mypyc.

The same typed source runs either way: compiled, the matcher screens about 1.6 times as many
names a second; without a C compiler (or with ``TATARA_NO_COMPILE=1``) the ``.py`` files run
as they are. ``make install`` calls this; the extension modules land beside the sources
(ignored by git), and the checks and the tests refuse compiled modules older than their
source. See docs/decisions/0022-screening-matcher-compiled.md.

    .venv/bin/python scripts/compile_matcher.py            # the checkout (about a minute)
    /opt/tatara/bin/python scripts/compile_matcher.py --installed   # a `pip install .`
    .venv/bin/python scripts/compile_matcher.py --clean    # remove the compiled modules
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import sys
import sysconfig
import tempfile
from pathlib import Path

CHECKOUT = Path(__file__).resolve().parents[1] / "src"
GROUP = "tatara_matching"  # the shared library every compiled module links to
SUFFIX = sysconfig.get_config_var("EXT_SUFFIX") or ".so"


def installed_root() -> Path:
    """The folder holding the installed ``tatara`` package (found without importing it)."""
    spec = importlib.util.find_spec("tatara")
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit("compile_matcher: tatara is not installed in this Python")
    return Path(next(iter(spec.submodule_search_locations))).parent


def package(root: Path) -> Path:
    return root / "tatara" / "screening" / "matching"


def compiled_files(root: Path) -> list[Path]:
    return sorted(package(root).glob(f"*{SUFFIX}")) + sorted(root.glob(f"{GROUP}__mypyc*{SUFFIX}"))


def sources(root: Path) -> list[Path]:
    # __init__ stays Python: it is what reports whether the compiled modules are in use
    return sorted(p for p in package(root).glob("*.py") if p.name != "__init__.py")


def clean(root: Path) -> None:
    for path in compiled_files(root):
        path.unlink()


def compile_all(root: Path) -> int:
    try:
        from mypyc.build import mypycify
        from setuptools import setup
    except ImportError:
        print("compile_matcher: mypyc is not installed; the matcher runs as Python")
        return 0
    clean(root)
    here = Path.cwd()
    with tempfile.TemporaryDirectory(prefix="tatara-mypyc-") as tmp:
        # built in a folder of its own holding only the matcher, so that mypy sees nothing
        # else (in site-packages it would trip over other top-level modules), then copied in
        build = Path(tmp)
        target = build / "tatara" / "screening" / "matching"
        target.mkdir(parents=True)
        for folder in (build / "tatara", build / "tatara" / "screening", target):
            (folder / "__init__.py").write_text("")
        for source in sources(root):
            shutil.copy2(source, target / source.name)
        # the matcher imports no Django: the project's mypy configuration (django-stubs) is
        # not needed, and its plugin would want settings
        config = build / "mypy.ini"
        config.write_text("[mypy]\nignore_missing_imports = True\n")
        os.chdir(build)
        try:
            modules = [str(p.relative_to(build)) for p in sorted(target.glob("*.py"))]
            modules.remove(str((target / "__init__.py").relative_to(build)))
            extensions = mypycify(
                ["--config-file", str(config), *modules],
                opt_level="3",
                target_dir=str(build / "c"),
                group_name=GROUP,
            )
            setup(
                name="tatara-matching",
                ext_modules=extensions,
                script_args=["--quiet", "build_ext", "--inplace", "--build-temp", str(build / "t")],
            )
        finally:
            os.chdir(here)
        built = sorted(target.glob(f"*{SUFFIX}"))
        for module in built:
            shutil.copy2(module, package(root) / module.name)
        for library in build.glob(f"{GROUP}__mypyc*{SUFFIX}"):
            shutil.copy2(library, root / library.name)
    print(f"compile_matcher: {len(built)} modules compiled in {package(root)}")
    return 0


def main(argv: list[str]) -> int:
    root = installed_root() if "--installed" in argv else CHECKOUT
    if "--clean" in argv:
        clean(root)
        return 0
    if os.environ.get("TATARA_NO_COMPILE"):
        clean(root)
        print("compile_matcher: TATARA_NO_COMPILE set; the matcher runs as Python")
        return 0
    try:
        return compile_all(root)
    except (SystemExit, Exception) as exc:  # no compiler, no headers: Python still works
        clean(root)
        if os.environ.get("CI") == "true":
            raise  # CI measures and tests the compiled matcher: a failure is a failure
        print(f"compile_matcher: not compiled ({exc}); the matcher runs as Python")
        return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
