"""Network-free probes of media bytes: what a file is, its geometry, duration and codec."""
