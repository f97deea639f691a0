"""Officer console shell: sign-in, dashboard, access-log review (国办发〔2020〕49号 §（十三）)."""
