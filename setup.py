"""Build hook for compiled extensions (the optimisation engine's inner loops).

``matching._mdgp`` is the C search core of the group formation engine. It needs
only the C compiler that builds CPython extensions (gcc/clang) and pthreads.
It is optional: without a compiler (or if the build fails) the project still
installs, prints why, and the engine uses its slower pure-Python search
(``matching._fallback``) through the same API.
"""

import sys

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext
from setuptools.errors import CCompilerError, ExecError, PlatformError

extra_compile = ["-O3", "-std=c11", "-D_POSIX_C_SOURCE=200809L"]
extra_link: list[str] = []
if sys.platform != "win32":
    extra_link.append("-lpthread")

BUILD_ERRORS = (CCompilerError, ExecError, PlatformError, OSError, ValueError)

NO_COMPILER = """
********************************************************************************
WARNING: the C search core matching._mdgp could not be built:
    {error}
Tillit is installed anyway and forms groups with the pure-Python search,
which gives valid groups but is much slower. For full speed install a C
compiler and the Python headers (Debian/Ubuntu: apt-get install gcc
python3-dev) and install the project again.
********************************************************************************
"""


class OptionalBuildExt(build_ext):
    """Build the extensions if a compiler works; otherwise say so and go on."""

    def run(self):
        try:
            super().run()
        except BUILD_ERRORS as exc:
            self._warn(exc)

    def build_extension(self, ext):
        try:
            super().build_extension(ext)
        except BUILD_ERRORS as exc:
            self._warn(exc)

    def _warn(self, exc):
        print(NO_COMPILER.format(error=exc), file=sys.stderr)


setup(
    cmdclass={"build_ext": OptionalBuildExt},
    ext_modules=[
        Extension(
            "matching._mdgp",
            sources=["matching/_mdgp.c"],
            extra_compile_args=extra_compile,
            extra_link_args=extra_link,
        )
    ],
)
