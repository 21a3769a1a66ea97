"""The yearly report's figures, below the areas: the report's pages and downloads (feedback/report/) and the API
(feedback/api/) read the one `Report` that `build.build_report` returns (`contents` holds its dataclasses)."""
