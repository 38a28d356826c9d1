"""One cog per feature; each module has the ``setup`` hook ``load_extension`` calls."""
