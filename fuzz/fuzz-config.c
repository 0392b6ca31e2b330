/* fuzz-config: ferry.conf text through the parser, which must not crash,
 * and whose success must leave every promised field filled in. */
#include "fuzz.h"
#include "config.h"
#include "log.h"

static void
check_config(const struct config *cf)
{
	size_t i;

	fuzz_assert(cf->from && cf->to && cf->journal && cf->journal[0] == '/');
	for (i = 0; i < cf->n_hosts; i++)
		fuzz_assert(cf->hosts[i].name && cf->hosts[i].ssh);
	for (i = 0; i < cf->n_accounts; i++) {
		fuzz_assert(valid_login_name(cf->accounts[i].name));
		fuzz_assert(config_account(cf, cf->accounts[i].name) != NULL);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct config cf;

	log_level = LOG_QUIET;
	if (config_parse_text(&cf, "/fuzz/ferry.conf", (const char *)data, size) == 0)
		check_config(&cf);
	config_free(&cf);
	return 0;
}
