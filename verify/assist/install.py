"""How to install this exact version of the kit: one string shared by every generated file
(Copilot setup steps, the agent hook) and the GitHub Action, so they never disagree."""

from verify import __version__

PACKAGE = "django-async-kit"
INSTALL_COMMAND = f'pip install "{PACKAGE}=={__version__}"'
