package cli_test

import (
	"strings"
	"testing"
)

// TestHelp: 'dbplane help CMD' and 'CMD -h' show that command's flags and
// no other's; --version and version print the version.
func TestHelp(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		args     []string
		stdout   bool // help on stdout (help CMD) rather than stderr (-h)
		want     []string
		wantNot  []string
		wantCode int
	}{
		{"HelpHostAdd", []string{"help", "host", "add"}, true,
			[]string{"Usage: dbplane host add NAME", "-hostname", "-password-stdin", "-addr", "-token", "-o format"},
			[]string{"-listen", "-rate-limit", "-data-dir", "-secure-cookies"}, 0},
		{"HostListH", []string{"host", "list", "-h"}, false,
			[]string{"Usage: dbplane host list", "-addr"}, []string{"-listen", "-rate-limit", "-hostname", "-data-dir"}, 0},
		{"HelpHost", []string{"help", "host"}, true,
			[]string{"Usage: dbplane host <subcommand>", "add NAME", "remove ID"}, []string{"-listen"}, 0},
		{"DatabaseH", []string{"database", "-h"}, false, []string{"reveal ID", "rotate ID"}, nil, 0},
		{"KeyCreateH", []string{"key", "create", "--help"}, false, []string{"-permissions", "-expires", "-admin", "-account"}, []string{"-hostname"}, 0},
		{"InitH", []string{"init", "-h"}, false,
			[]string{"Usage: dbplane init", "-data-dir", "-admin-email", "-master-key-file"}, []string{"-rate-limit", "-secure-cookies", "-upgrade-url", "-addr"}, 0},
		{"HelpServe", []string{"help", "serve"}, true, []string{"Usage: dbplane serve", "-rate-limit-client", "-secure-cookies", "-listen"}, nil, 0},
		{"HelpSetPassword", []string{"help", "account", "set-password"}, true,
			[]string{"Usage: dbplane account set-password EMAIL", "-link", "-data-dir"}, []string{"-rate-limit", "-addr"}, 0},
		{"AdminKeyRecoverH", []string{"admin-key", "recover", "-h"}, false,
			[]string{"-email", "-data-dir", "-master-key-file"}, []string{"-listen", "-rate-limit"}, 0},
		{"QuotaRefreshH", []string{"quota", "refresh", "-h"}, false, []string{"-engine-timeout", "-data-dir"}, []string{"-rate-limit", "-listen"}, 0},
		{"HelpReconcile", []string{"help", "reconcile"}, true, []string{"Usage: dbplane reconcile", "-engine-timeout"}, []string{"-rate-limit"}, 0},
		{"Help", []string{"help"}, true, []string{"Commands:", "host", "admin-key", "Exit codes"}, nil, 0},
		{"DashH", []string{"--help"}, true, []string{"Commands:"}, nil, 0},
		{"Version", []string{"version"}, true, []string{"dbplane "}, nil, 0},
		{"DashVersion", []string{"--version"}, true, []string{"dbplane "}, nil, 0},
		{"HelpUnknown", []string{"help", "frob"}, false, []string{"unknown command"}, nil, 2},
		{"Unknown", []string{"frob"}, false, []string{"unknown command"}, nil, 2},
		{"None", nil, false, []string{"Commands:"}, nil, 2},
		{"HostUnknownSub", []string{"host", "frob"}, false, []string{"unknown subcommand"}, nil, 2},
		{"HostMissingArg", []string{"host", "remove"}, false, []string{"want ID"}, nil, 2},
		{"BadOutput", []string{"host", "list", "-o", "yaml", "--token", "x"}, false, []string{"want table or json"}, nil, 2},
		{"BadFlag", []string{"init", "--no-such-flag"}, false, []string{"flag provided but not defined"}, nil, 2},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var stdout, stderr strings.Builder
			code := cliMain(tc.args, &stdout, &stderr)
			if code != tc.wantCode {
				t.Errorf("dbplane %q: exit %d, want %d; stderr: %s", tc.args, code, tc.wantCode, stderr.String())
			}
			out, other := stderr.String(), stdout.String()
			if tc.stdout {
				out, other = other, out
			}
			for _, w := range tc.want {
				if !strings.Contains(out, w) {
					t.Errorf("dbplane %q output lacks %q:\n%s", tc.args, w, out)
				}
			}
			for _, w := range tc.wantNot {
				if strings.Contains(out, w) {
					t.Errorf("dbplane %q output has %q, another command's flag:\n%s", tc.args, w, out)
				}
			}
			if tc.wantCode == 0 && other != "" {
				t.Errorf("dbplane %q wrote to the other stream too: %q", tc.args, other)
			}
		})
	}
}
