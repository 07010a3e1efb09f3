int cmd_reset(int argc, char **argv) { (void)argc; (void)argv; return 1; }
