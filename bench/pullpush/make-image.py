#!/usr/bin/env python3
"""Writes an OCI image layout tar with LAYERS gzip layers, each a root file system tar holding
one file of MIB MiB of random bytes: python3 make-image.py OUT.tar NAME LAYERS MIB.
The layout names the image through org.opencontainers.image.ref.name, as `img load` reads it."""
import gzip, hashlib, io, json, os, sys, tarfile, tempfile

out, name, layers, mib = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
work = tempfile.mkdtemp(prefix="pullpush-layout-", dir=os.path.dirname(os.path.abspath(out)))
blobs = os.path.join(work, "blobs", "sha256")
os.makedirs(blobs)

def put(data: bytes) -> str:
    digest = hashlib.sha256(data).hexdigest()
    with open(os.path.join(blobs, digest), "wb") as f:
        f.write(data)
    return "sha256:" + digest

descriptors, diff_ids = [], []
for i in range(layers):
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w", format=tarfile.PAX_FORMAT) as t:
        info = tarfile.TarInfo(f"data/layer{i}.bin")
        info.size = mib * 1024 * 1024
        info.mode = 0o644
        t.addfile(info, io.BytesIO(os.urandom(info.size)))
    diff_ids.append("sha256:" + hashlib.sha256(raw.getvalue()).hexdigest())
    compressed = gzip.compress(raw.getvalue(), compresslevel=1, mtime=0)
    descriptors.append({"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip",
                        "digest": put(compressed), "size": len(compressed)})

config = json.dumps({"architecture": "amd64", "os": "linux", "created": "2024-01-01T00:00:00Z",
                     "config": {"Cmd": ["/bin/sh"]},
                     "rootfs": {"type": "layers", "diff_ids": diff_ids},
                     "history": [{"created": "2024-01-01T00:00:00Z", "created_by": "pullpush bench"}] * layers},
                    separators=(",", ":")).encode()
config_desc = {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": put(config), "size": len(config)}
manifest = json.dumps({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
                       "config": config_desc, "layers": descriptors}, separators=(",", ":")).encode()
index = {"schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json",
         "manifests": [{"mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": put(manifest),
                        "size": len(manifest), "annotations": {"org.opencontainers.image.ref.name": name}}]}
with open(os.path.join(work, "index.json"), "w") as f:
    json.dump(index, f)
with open(os.path.join(work, "oci-layout"), "w") as f:
    json.dump({"imageLayoutVersion": "1.0.0"}, f)
with tarfile.open(out, "w") as t:
    for entry in ("oci-layout", "index.json", "blobs"):
        t.add(os.path.join(work, entry), arcname=entry)
for f in os.listdir(blobs):
    os.remove(os.path.join(blobs, f))
os.rmdir(blobs); os.rmdir(os.path.dirname(blobs))
os.remove(os.path.join(work, "index.json")); os.remove(os.path.join(work, "oci-layout")); os.rmdir(work)
