"""Drop-ins for code written before Promptcast: `promptcast.compat.prompts` replaces the seed's prompts.py."""
