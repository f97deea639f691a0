"""双公示 (administrative licensing and penalty information) in the national exchange columns.

The columns are those of the 双公示 exchange standard as carried by the tables departments send to the
provincial platform and 信用中国 (行政许可信息 / 行政处罚信息; see :mod:`xinyong.records.national.columns`).
"""
