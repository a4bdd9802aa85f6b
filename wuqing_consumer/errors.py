"""The refusal every write function raises when an action is not allowed now (a closed
order, a filed plan, a meeting already held). Each flow names its own subclass; views show
the message to the person who tried, and the hotline API answers such a refusal with 409."""


class ActionRefused(Exception):
    """An action that is not allowed now; the message is for the person who tried it."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def refusal_text(error: Exception) -> str:
    """The words of a write function's refusal, one line: a ValidationError's messages, or
    an ActionRefused's message. For a page that adds them to its own sentence ("Saved as a
    draft. Not published: …") rather than showing each on its own."""
    if isinstance(error, ActionRefused):
        return error.message
    return " ".join(getattr(error, "messages", [str(error)]))
