"""Check that the interpreter can build the project's virtual environment.

Run by ``make`` with the system Python before ``.venv`` exists, so it uses the
standard library only and says in plain words what to install when it fails.
"""

import sys

MINIMUM = (3, 11)


def main() -> int:
    if sys.version_info < MINIMUM:
        print(
            f"Shop Desktop needs Python {MINIMUM[0]}.{MINIMUM[1]} or newer; "
            f"this is {sys.version.split()[0]}.\n"
            "On Debian/Ubuntu: sudo apt-get install python3 python3-venv",
            file=sys.stderr,
        )
        return 1
    try:
        import ensurepip  # noqa: F401
        import venv  # noqa: F401
    except ImportError:
        print(
            "Python's venv module is missing.\nOn Debian/Ubuntu: sudo apt-get install python3-venv",
            file=sys.stderr,
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
