/*
 * fairrate: one binary, many subcommands. This file only dispatches; each command
 * lives in cli/cmd_<name>.c and the work itself in its module.
 */
#include <stdio.h>
#include <string.h>

#include "cli/commands.h"

struct command {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *summary;
};

static const struct command commands[] = {
	{"migrate", cmd_migrate, "apply database migrations and load the methodology"},
	{"demo", cmd_demo, "load a deterministic synthetic world (demo data)"},
	{"import", cmd_import, "import companies, evidence or incidents from CSV or JSON Lines"},
	{"scan", cmd_scan, "scan due domains (HTTP, TLS, SPF, DMARC) from the shared queue"},
	{"discover", cmd_discover, "find host names from companies' seed domains (DNS, CT, wordlist)"},
	{"disputes", cmd_disputes, "list the dispute queue, show a dispute with its thread"},
	{"patching", cmd_patching, "judge the software seen against end-of-life and KEV data"},
	{"ports", cmd_ports, "scan attributed addresses for exposed services (TCP connect)"},
	{"feed", cmd_feed, "import breach, compromised-host or open-port feeds"},
	{"serve", cmd_serve, "serve the HTTP API"},
	{"keys", cmd_keys, "create, list and revoke API keys"},
	{"score", cmd_score, "rescore companies from their evidence (rating history)"},
	{"summaries", cmd_summaries, "store the investor summaries that are missing or out of date"},
	{"companies", cmd_companies, "find companies and their slugs, with their latest rating"},
	{"show", cmd_show, "print a company's latest rating, its findings and remediation plan"},
	{"plan", cmd_plan, "the shortest sequence of fixes to a target grade or score"},
	{"report", cmd_report, "write a company's one-page report for executives (PDF)"},
	{"methodology", cmd_methodology, "methodology drafts: diff, impact preview, publish with notice"},
	{"validate", cmd_validate, "back-test a methodology version against dated incidents"},
	{"tick", cmd_tick, "switch to a published methodology version once it takes effect"},
};

static void
usage(FILE *out)
{
	size_t i;

	fprintf(out, "usage: fairrate COMMAND [ARGS...]\n\n"
	    "fairrate computes transparent security ratings from evidence in PostgreSQL.\n\n"
	    "commands:\n");
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(out, "  %-12s %s\n", commands[i].name, commands[i].summary);
	fprintf(out, "\n'fairrate COMMAND --help' describes each. The database is $DATABASE_URL,\n"
	    "or the private cluster under ./var/pg that 'make db-start' runs.\n");
}

int
main(int argc, char **argv)
{
	size_t i;

	if (argc < 2) {
		usage(stderr);
		return (2);
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		usage(stdout);
		return (0);
	}
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (strcmp(argv[1], commands[i].name) == 0)
			return (commands[i].run(argc - 1, argv + 1));
	fprintf(stderr, "fairrate: unknown command '%s'\n", argv[1]);
	usage(stderr);
	return (2);
}
