#ifndef FAIRRATE_COMMANDS_H
#define FAIRRATE_COMMANDS_H

/*
 * The subcommands of ./fairrate. Each takes the arguments after its name (argv[0] is
 * the subcommand's name), prints its own --help, and returns the process exit code:
 * 0 success, 1 failure, 2 bad usage.
 */
int cmd_migrate(int argc, char **argv);
int cmd_demo(int argc, char **argv);
int cmd_import(int argc, char **argv);
int cmd_serve(int argc, char **argv);
int cmd_keys(int argc, char **argv);
int cmd_score(int argc, char **argv);
int cmd_companies(int argc, char **argv);
int cmd_summaries(int argc, char **argv);
int cmd_show(int argc, char **argv);
int cmd_plan(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_scan(int argc, char **argv);
int cmd_feed(int argc, char **argv);
int cmd_ports(int argc, char **argv);
int cmd_discover(int argc, char **argv);
int cmd_patching(int argc, char **argv);
int cmd_disputes(int argc, char **argv);
int cmd_methodology(int argc, char **argv);
int cmd_validate(int argc, char **argv);
int cmd_tick(int argc, char **argv);

#endif
