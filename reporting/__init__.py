"""The weekly report: presentation, apart from orchestration.

* :mod:`reporting.data` gathers one week's figures from the warehouse (and the service metrics from
  Redis) into a :class:`~reporting.data.WeeklyReportData`;
* :mod:`reporting.text` holds the wording and number formats both renderings share;
* :mod:`reporting.markdown`, :mod:`reporting.html` (a Jinja2 template under ``templates/``) and
  :mod:`reporting.charts` (matplotlib) render it;
* :mod:`reporting.files` writes the files atomically.

Every figure comes from the domain (``lottery``): the engine's statistics, the fair-draw maths of
:mod:`lottery.stats.fair` and the back-test verdicts of :func:`lottery.backtest.judge_backtest`.
The Dagster asset that calls this lives in ``pipelines/assets/report.py``.
"""
