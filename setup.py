"""Build hook for compiled extensions (the optimisation engine's inner loops).

``matching._mdgp`` is the C search core of the group formation engine. It needs
only the C compiler that builds CPython extensions (gcc/clang) and pthreads.
"""

import sys

from setuptools import Extension, setup

extra_compile = ["-O3", "-std=c11", "-D_POSIX_C_SOURCE=200809L"]
extra_link: list[str] = []
if sys.platform != "win32":
    extra_link.append("-lpthread")

setup(
    ext_modules=[
        Extension(
            "matching._mdgp",
            sources=["matching/_mdgp.c"],
            extra_compile_args=extra_compile,
            extra_link_args=extra_link,
        )
    ]
)
