"""Test helpers for the bot: a fake answer service and a harness for the fake Discord."""
