package cli

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/dbplane/dbplane"
)

func TestWriteQuotaReport(t *testing.T) {
	t.Parallel()
	rep := &dbplane.QuotaReport{
		StartedAt: time.Date(2026, 5, 28, 12, 0, 0, 0, time.UTC), Took: 1530 * time.Millisecond,
		Hosts: []dbplane.HostMeasurement{
			{HostID: "h-1", HostName: "MySQL Server 1", Databases: 42, Took: 120 * time.Millisecond},
			{HostID: "h-2", HostName: "Postgres 1", Error: "The database host cannot be reached", Took: 1400 * time.Millisecond},
		},
		Changed: []dbplane.StatusChange{{DatabaseID: "db-1", AccountID: "acct-1", From: dbplane.StatusActive, To: dbplane.StatusOverQuota}},
	}
	var b bytes.Buffer
	writeQuotaReport(&b, rep)
	want := `Quota pass started 2026-05-28T12:00:00Z, took 1.53s.

HOST            ID   DATABASES  TOOK   RESULT
MySQL Server 1  h-1  42         120ms  measured
Postgres 1      h-2  -          1.4s   skipped: The database host cannot be reached
1 measured, 1 skipped.

1 status change(s):
DATABASE  ACCOUNT  FROM    TO
db-1      acct-1   active  over_quota
`
	if got := b.String(); got != want {
		t.Errorf("writeQuotaReport() =\n%s\nwant\n%s", got, want)
	}
}

func TestRunQuota(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	var stdout, stderr bytes.Buffer
	e := env{stdin: strings.NewReader(""), stdout: &stdout, stderr: &stderr, getenv: func(string) string { return "" }}
	if code := e.main(context.Background(), []string{"init", "--data-dir", dir}); code != 0 {
		t.Fatalf("dbplane init exit %d: %s", code, stderr.String())
	}
	tests := []struct {
		name    string
		args    []string
		wantErr string // "" = success
		wantOut string
	}{
		{name: "NoHosts", args: []string{"refresh", "--data-dir", dir}, wantOut: "No enabled hosts to measure.\n\nNo status changes.\n"},
		{name: "NoSubcommand", wantErr: "missing subcommand"},
		{name: "UnknownSubcommand", args: []string{"measure"}, wantErr: `unknown subcommand "measure"`},
		{name: "ExtraArgument", args: []string{"refresh", "--data-dir", dir, "now"}, wantErr: "unexpected arguments"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			e := env{stdin: strings.NewReader(""), stdout: &stdout, stderr: &stderr, getenv: func(string) string { return "" }}
			err := runQuota(context.Background(), e, tc.args)
			switch {
			case tc.wantErr == "" && err != nil:
				t.Fatalf("runQuota(%q) = %v, want success; stderr: %s", tc.args, err, stderr.String())
			case tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)):
				t.Fatalf("runQuota(%q) = %v, want an error containing %q", tc.args, err, tc.wantErr)
			}
			if !strings.HasSuffix(stdout.String(), tc.wantOut) {
				t.Errorf("runQuota(%q) stdout = %q, want it to end with %q", tc.args, stdout.String(), tc.wantOut)
			}
		})
	}
}
