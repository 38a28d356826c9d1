"""The Discord layer: slash commands and channel questions over the ``index`` service."""
