package mongo

import (
	"context"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/dbplane/dbplane/internal/engine"
)

// Internals for the external test package: the pure rendering functions,
// which golden tests pin without a server, and the error translation.

type (
	Cmd    = cmd
	State  = state
	Flavor = flavor
	Need   = need
)

const (
	FlavorMongoDB  = flavorMongoDB
	FlavorFerretDB = flavorFerretDB
)

var (
	RenderUsersInfo      = renderUsersInfo
	RenderDatabaseExists = renderDatabaseExists
	RenderFindUser       = renderFindUser
	RenderEnsure         = renderEnsure
	RenderDrop           = renderDrop
	RenderSetPassword    = renderSetPassword
	RenderSetAccess      = renderSetAccess
	Translate            = translate
	Hide                 = hide
	ClientOptions        = clientOptions

	CmdPing       = cmdPing
	CmdBuildInfo  = cmdBuildInfo
	CmdPrivileges = cmdPrivileges
	CmdSizes      = cmdSizes
)

// FlavorOf returns what a Conn opened by Driver.Open talks to.
func FlavorOf(ctx context.Context, c engine.Conn) (Flavor, error) {
	f, _, err := c.(*conn).detect(ctx, opVersion)
	return f, err
}

// MissingPrivileges decodes a connectionStatus reply and returns the
// actions CheckPrivileges would name as missing.
func MissingPrivileges(reply bson.D) ([]string, error) {
	b, err := bson.Marshal(reply)
	if err != nil {
		return nil, err
	}
	var st connectionStatus
	if err := bson.Unmarshal(b, &st); err != nil {
		return nil, err
	}
	var out []string
	for _, n := range missing(st.AuthInfo.Privileges) {
		out = append(out, n.Action)
	}
	return out, nil
}

// SetAfterCommand sets the hook runAll calls after each command that
// succeeded; nil removes it.
func SetAfterCommand(f func(i int)) { afterCommand = f }
