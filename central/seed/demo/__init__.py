"""The demo hall 某市政务服务中心: departments, queues, windows, accounts (password "counter")."""
