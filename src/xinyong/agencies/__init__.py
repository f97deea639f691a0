"""Credit service agencies under supervision (信用服务机构监管).

淮政办发〔2021〕13号 §五（四）: agencies that use and process credit information must keep it accurate and
complete; a subject who finds information an agency collected wrong, or infringing its trade secrets or
privacy, may have it corrected or deleted; the credit office orders rectification of an agency that breaks
the rules. 发改办财金〔2018〕893号 §十六: a credit file (信用档案) is kept for each agency the office works with;
§十一: credit reports used in a repair come from a qualified (具有资质) agency.

- ``rules.py``: pure decisions (qualification in force, whether a report is accepted, request states,
  deadlines overdue), the date passed in.
- ``models.py``: the registry, qualifications, suspension history, complaints and findings, rectification
  orders, correction/deletion requests.
- ``public.py``: what other capabilities may ask (repair: may this agency's report be used?).
- ``service.py``: use cases; ``api.py`` / ``pages.py`` / ``cli.py`` translate.
"""
