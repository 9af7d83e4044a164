#!/usr/bin/env bash
# Fails on purpose, so the job that waits for it ends as broken_dependency.
echo "this job fails on purpose" >&2
exit 3
