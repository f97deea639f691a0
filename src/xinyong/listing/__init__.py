"""Serious dishonest entity lists (严重失信主体名单): list types, determination procedure, documents.

国办发〔2020〕49号 §四; 淮政办发〔2021〕13号 §四; 发改办财金〔2018〕893号.
"""
