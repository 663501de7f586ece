"""The parts of joblib4j's Dask bridge that Dask itself ships to workers, by value (cloudpickle).

The sidecar registers this module with ``cloudpickle.register_pickle_by_value``: the plugin class
and the task function travel inside the pickles, so workers need no joblib4j file. The plugin
carries the text of ``jbridge_core.py`` and executes it into a private module on each worker.
Only what is picklable may be referenced at module level here.
"""

from distributed.diagnostics.plugin import WorkerPlugin


class JBridgePlugin(WorkerPlugin):
    """Keeps one executor JVM per classpath on every worker, current and future (Dask replays
    registered plugins to workers that join or restart)."""

    def __init__(self, name, spec, jars, core_source):
        self.name = name
        self.spec = spec
        self.jars = jars
        self.core_source = core_source
        self.impl = None

    def setup(self, worker):
        import hashlib
        import sys
        import types

        modname = "jbridge_core_" + hashlib.sha256(self.core_source.encode("utf-8")).hexdigest()[:16]
        mod = sys.modules.get(modname)
        if mod is None:
            mod = types.ModuleType(modname)
            exec(compile(self.core_source, "<%s>" % modname, "exec"), mod.__dict__)
            sys.modules[modname] = mod
        shims = {"run_java": run_java, "drop_blobs": drop_blobs, "stats": stats, "probe": probe, "state": state}
        self.impl = mod.WorkerImpl(self.name, self.spec, self.jars or [], worker, shims)
        self.jars = None  # the bytes are on disk now; the scheduler keeps its copy for new workers

    def teardown(self, worker):
        if self.impl is not None:
            self.impl.close()

    def transition(self, key, start, finish, **kwargs):
        # a cancelled or released task stops in Java too: client.cancel alone leaves it running
        if self.impl is not None and start in ("executing", "long-running") and finish in (
            "released",
            "cancelled",
            "forgotten",
        ):
            self.impl.cancel_key(key)


def run_java(plugin_name, payload, refs):
    """The Dask task: runs one serialized Java batch in this worker's executor JVM."""
    from distributed import get_worker

    return get_worker().plugins[plugin_name].impl.run_java(payload, refs)


async def drop_blobs(plugin_name, shas, dask_worker=None):
    plugin = dask_worker.plugins.get(plugin_name)
    if plugin is not None and plugin.impl is not None:
        for sha in shas:
            plugin.impl.drop_blob(sha)


async def stats(plugin_name, dask_worker=None):
    import dask

    plugin = dask_worker.plugins.get(plugin_name)
    if plugin is None or plugin.impl is None:
        return None
    out = plugin.impl.stats()
    # what the worker's periodic housekeeping costs, for the private cluster's defaults
    out["profiling"] = bool(dask.config.get("distributed.worker.profile.enabled", True))
    out["tick_interval"] = str(dask.config.get("distributed.admin.tick.interval"))
    return out


def probe():
    return None


def state(dask_scheduler=None):
    s = dask_scheduler
    return {
        "tasks": sorted(str(k) for k in s.tasks),
        "log_keys": sorted({str(t[0]) for t in s.transition_log}),
        "plugins": sorted(s.worker_plugins),
        "workers": {addr: ws.nthreads for addr, ws in s.workers.items()},
        "clients": len(s.clients),
        # the caller code Dask recorded for its dashboard's computations
        "computation_code": sorted({c for comp in s.computations for c in comp.code}),
    }


def has_plugin(name, dask_scheduler=None):
    return name in dask_scheduler.worker_plugins
