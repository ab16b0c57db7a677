"""The ``dataguard`` command line: one module per command group (see ``main``)."""
