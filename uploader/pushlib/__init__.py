"""The uploader's parts: walk folders, check files, name keys, plan (dedupe and resume),
upload concurrently, follow processing, report. Standard library and boto3 only; meddoc
is used when it can be imported."""
