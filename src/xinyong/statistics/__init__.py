"""Statistics and evaluation (信用监管统计与评估): figures from the platform's own data for a period, a
region with its sub-regions and a department (发改办财金〔2018〕893号 §十九), the list-standard evaluation
(国办发〔2020〕49号 §（七）), typical cases and their exports."""
