"""The frontend's public exception."""


class UnsupportedError(Exception):
    """The model, loss, optimizer or an option cannot be compiled. Raised
    before any state changes; the message names the op or option and, for
    ops, the user's source line."""
