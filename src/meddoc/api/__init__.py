"""The review API: one resolver served by the API Lambda and by the local server."""
