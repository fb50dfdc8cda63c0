"""tests/lib/scripttest.py -- for the .t files that test a Python script of
the repository (bench/guest, bench/count) without running it: load the
script as a module, and print TAP lines."""
import importlib.machinery
import importlib.util
import sys

sys.dont_write_bytecode = True
_count = 0


def load_script(name, path):
    """The script at path (no .py suffix) as a module called name."""
    loader = importlib.machinery.SourceFileLoader(name, path)
    spec = importlib.util.spec_from_loader(name, loader)
    module = importlib.util.module_from_spec(spec)
    loader.exec_module(module)
    return module


def check(ok, name, detail=""):
    """One TAP line; on failure, detail as a comment."""
    global _count
    _count += 1
    print("%s %d - %s" % ("ok" if ok else "not ok", _count, name))
    if not ok and detail:
        print("#   " + str(detail).replace("\n", "\n#   "))
