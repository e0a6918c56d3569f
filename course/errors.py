"""Errors the course reports to people: one paragraph, naming the file and line, never a traceback."""


class CourseInputError(Exception):
    """Bad input (a data file, an answer file, a command-line argument).

    The message is complete and meant for people: where (file and line), what is wrong, what is
    allowed or how to fix it. Commands print it and exit non-zero.
    """
