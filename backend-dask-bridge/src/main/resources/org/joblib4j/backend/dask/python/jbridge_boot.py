"""Starts joblib4j's Dask sidecar; the JVM passes this text with ``python3 -c`` (no file to swap).

argv: the folder of the bridge's files, then ``<module>=<sha256>`` for each, as computed by the JVM
from its own jar. Each file is read once, checked, and the checked bytes are what runs: a file that
someone replaced on disk is refused, and nothing is read again later.
"""
import sys

# -c puts the current folder first on sys.path: nothing may be imported from there
sys.path[:] = [p for p in sys.path if p not in ("", ".")]

import hashlib  # noqa: E402
import importlib.abc  # noqa: E402
import importlib.util  # noqa: E402
import os  # noqa: E402


def _verified():
    folder = sys.argv[1]
    sources = {}
    for arg in sys.argv[2:]:
        name, _, want = arg.partition("=")
        path = os.path.join(folder, name + ".py")
        with open(path, "rb") as f:
            data = f.read()
        got = hashlib.sha256(data).hexdigest()
        if got != want:
            sys.stderr.write("joblib4j: refusing to run %s: its SHA-256 is %s, not %s as shipped in the jar\n"
                             % (path, got, want))
            sys.stderr.flush()
            os._exit(6)
        sources[name] = (path, data)
    return sources


class _Verified(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Serves the bridge's modules from the checked bytes, ahead of any other finder."""

    def __init__(self, sources):
        self.sources = sources

    def find_spec(self, name, path=None, target=None):
        if name in self.sources:
            return importlib.util.spec_from_loader(name, self, origin=self.sources[name][0])
        return None

    def create_module(self, spec):
        return None

    def exec_module(self, module):
        path, data = self.sources[module.__name__]
        module.__file__ = path
        module.__jbridge_source__ = data
        exec(compile(data, path, "exec"), module.__dict__)


sys.meta_path.insert(0, _Verified(_verified()))
import jbridge_sidecar  # noqa: E402

_code = jbridge_sidecar.main()
sys.stderr.flush()
os._exit(_code or 0)
