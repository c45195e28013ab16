"""floorconsole: the domain and engine of a call-centre floor supervisor's console.

Nothing in this package imports Textual; the user interface lives in `screens/`.
"""

__version__ = "0.1.0"
