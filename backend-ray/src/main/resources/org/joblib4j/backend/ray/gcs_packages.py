# joblib4j: puts packages into a Ray cluster's GCS key-value store, where the runtime-env agent of
# every node downloads gcs:// URIs from (ray/_private/runtime_env/packaging.py keeps them under the
# URI itself, namespace None). Started by the ray backend with the GCS address as argv[1]; reads
# one request per line on stdin and answers one line on stdout:
#   has <uri>          -> yes | no
#   put <uri> <file>   -> ok <bytes>
# Any failure ends the process with the reason on stderr.
import sys

from ray._raylet import InnerGcsClient

TIMEOUT_S = 60

client = InnerGcsClient.standalone(sys.argv[1], None, TIMEOUT_S * 1000)
print("ready", flush=True)
for line in sys.stdin:
    words = line.rstrip("\n").split(" ", 2)
    if words[0] == "has" and len(words) == 2:
        found = client.internal_kv_exists(words[1].encode(), None, TIMEOUT_S)
        print("yes" if found else "no", flush=True)
    elif words[0] == "put" and len(words) == 3:
        with open(words[2], "rb") as f:
            data = f.read()
        client.internal_kv_put(words[1].encode(), data, True, None, TIMEOUT_S)
        print("ok", len(data), flush=True)
    else:
        sys.exit("joblib4j: unknown request " + repr(line))
