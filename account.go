package dbplane

import (
	"context"
	"net/mail"
	"strings"
	"time"
)

// Role is an account's role.
type Role string

// Account roles.
const (
	RoleUser  Role = "user"
	RoleAdmin Role = "admin"
)

// Account is a person or tenant. Quotas are nil when unlimited.
type Account struct {
	ID           string // UUID
	NumericID    int64  // Pterodactyl's user id
	Email        string
	Name         string
	Role         Role
	Slots        *int   // max databases; nil = unlimited
	StorageBytes *int64 // nil = unlimited
	Suspended    bool
	// ExternalID is the id another system (a panel, a billing system)
	// knows the account by; nil when none. Unique among accounts.
	ExternalID *string
	// DeletingAt is when a cascading delete of the account began; its
	// databases are being dropped and the account goes once they are.
	DeletingAt *time.Time
	CreatedAt  time.Time
	UpdatedAt  time.Time

	// Read-only figures filled in by the store on reads.
	DatabaseCount int
	UsedBytes     int64
}

// AccountInput is what creates an account.
type AccountInput struct {
	Email        string
	Name         string
	Role         Role
	Slots        *int
	StorageBytes *int64
	ExternalID   *string // nil = none
}

// Validate reports the first invalid field.
func (in *AccountInput) Validate() error {
	in.Email = strings.TrimSpace(in.Email)
	if in.Role == "" {
		in.Role = RoleUser
	}
	if err := validateEmail(in.Email); err != nil {
		return err
	}
	name, err := ValidateName("name", in.Name, 255)
	if err != nil {
		return err
	}
	in.Name = name
	if in.ExternalID, err = ValidateExternalID(in.ExternalID); err != nil {
		return err
	}
	if in.Role != RoleUser && in.Role != RoleAdmin {
		return FieldErrorf("role", "The role must be user or admin.")
	}
	return validateQuotas(in.Slots, in.StorageBytes)
}

// AccountUpdate changes an account. Nil fields are left alone; a Set flag
// distinguishes "set to unlimited" (nil value) from "not given".
type AccountUpdate struct {
	Name *string
	// Role changes the account's role. Demoting the last admin account is
	// refused (ErrLastAdmin); a demoted account's admin keys stop working
	// at the door (ErrNotAdmin) and its dashboard loses the operator pages.
	Role            *Role
	SlotsSet        bool
	Slots           *int
	StorageBytesSet bool
	StorageBytes    *int64
	Suspended       *bool
	// ExternalIDSet with a nil ExternalID removes the external id.
	ExternalIDSet bool
	ExternalID    *string
}

// Validate reports the first invalid field.
func (u *AccountUpdate) Validate() error {
	if u.Name != nil {
		n, err := ValidateName("name", *u.Name, 255)
		if err != nil {
			return err
		}
		u.Name = &n
	}
	if u.ExternalIDSet {
		id, err := ValidateExternalID(u.ExternalID)
		if err != nil {
			return err
		}
		u.ExternalID = id
	}
	if u.Role != nil && *u.Role != RoleUser && *u.Role != RoleAdmin {
		return FieldErrorf("role", "The role must be user or admin.")
	}
	return validateQuotas(u.Slots, u.StorageBytes)
}

func validateEmail(s string) error {
	if len(s) == 0 || len(s) > 254 {
		return FieldErrorf("email", "The email must be 1 to 254 characters.")
	}
	if err := ValidateText("email", s); err != nil {
		return err
	}
	a, err := mail.ParseAddress(s)
	if err != nil || a.Address != s {
		return FieldErrorf("email", "The email must be a valid address.")
	}
	return nil
}

func validateQuotas(slots *int, storage *int64) error {
	if slots != nil && *slots < 0 {
		return FieldErrorf("slots", "slots must be 0 or more, or null for unlimited.")
	}
	if storage != nil && *storage < 0 {
		return FieldErrorf("storageBytes", "storageBytes must be 0 or more, or null for unlimited.")
	}
	return nil
}

// AccountService manages accounts.
type AccountService interface {
	// CreateAccount returns CodeInvalid or CodeConflict (email taken).
	CreateAccount(ctx context.Context, in AccountInput) (*Account, error)
	// Account returns CodeNotFound.
	Account(ctx context.Context, id string) (*Account, error)
	// FindAccounts returns the page of the accounts f selects, in f's
	// order, and how many f selects.
	FindAccounts(ctx context.Context, f AccountFilter) ([]*Account, int, error)
	// EachAccount calls fn with every account, oldest first (as
	// FindAccounts' default order), as it reads them: the memory it takes does not grow
	// with the number of accounts. It stops at fn's first error and
	// returns it.
	EachAccount(ctx context.Context, fn func(*Account) error) error
	// UpdateAccount returns CodeNotFound or CodeInvalid.
	UpdateAccount(ctx context.Context, id string, u AccountUpdate) (*Account, error)
	// PreviewSuspension says what UpdateAccount with Suspended = suspend
	// would change now; all zero when the account already is so.
	PreviewSuspension(ctx context.Context, id string, suspend bool) (*SuspensionPreview, error)
	// DeleteAccount deletes an account with its keys, sessions and
	// subuser links. Without cascade it returns CodeConflict while the
	// account owns servers or databases. With cascade the account is
	// marked deleting (its ways in closed at once) and its databases are
	// dropped through intents, then its servers and the account go; a
	// host that cannot be reached leaves the rest to the reconciler
	// (AccountDeletion.Pending). The init admin account and the last
	// admin account are refused (ErrInitAdmin, ErrLastAdminDelete).
	DeleteAccount(ctx context.Context, id string, cascade bool) (*AccountDeletion, error)
}

// AccountOrder is the order FindAccounts returns accounts in.
type AccountOrder string

// Account orders.
const (
	// AccountsByCreated is oldest first (created_at, then id), as
	// EachAccount: the default.
	AccountsByCreated AccountOrder = ""
	// AccountsByNumericID is by numeric id (Pterodactyl's user id).
	AccountsByNumericID AccountOrder = "numeric_id"
	// AccountsByID is by UUID.
	AccountsByID AccountOrder = "id"
)

// AccountFilter selects, orders and pages accounts for FindAccounts. Zero
// fields do not filter; set fields all apply.
type AccountFilter struct {
	// IDs selects the accounts with one of these ids: nil does not
	// filter, an empty slice selects none.
	IDs []string
	// NumericID selects the account with that numeric id.
	NumericID int64
	// ExternalIDs selects the accounts with one of these external ids,
	// compared whole and in their case: nil does not filter, an empty
	// slice selects none.
	ExternalIDs []string
	// Emails selects the accounts with one of these emails, compared
	// whole and in their case, as they are stored and as sign-in
	// compares them (the store's email index answers it): nil does not
	// filter, an empty slice selects none.
	Emails []string
	// Suspended selects the suspended accounts only.
	Suspended bool
	// OverQuota selects only the accounts whose measured storage is over
	// their quota (Account.OverQuota).
	OverQuota bool
	// Match, when set, is a further test of each account the other
	// fields select, for what the store cannot ask its index (the
	// panel's substring filters): the store then reads every account
	// the other fields select, in one query, and keeps only the page.
	Match func(*Account) bool
	Order AccountOrder
	// Desc reverses Order.
	Desc bool
	// Page is the page returned. A zero PerPage returns every account
	// selected (for lookups that select a few).
	Page Page
}

// AccountDeletion is the outcome of DeleteAccount.
type AccountDeletion struct {
	// Deleted is true once the account row is gone.
	Deleted bool
	// Databases is how many databases the delete dropped or forgot
	// (orphans) in this call; Pending how many are still being dropped
	// (their hosts did not answer) and will be by the reconciler.
	Databases, Pending int
}

// Room says whether the account can make another database as its figures
// stand: ErrAccountSuspended, ErrOutOfSlots, ErrOutOfStorage or nil. The
// store checks the same rule atomically with each insert; Room is for
// showing it ahead of time (a disabled "New database" button).
func (a *Account) Room() error {
	switch {
	case a.Suspended:
		return ErrAccountSuspended
	case a.Slots != nil && a.DatabaseCount >= *a.Slots:
		return ErrOutOfSlots
	case a.StorageBytes != nil && a.UsedBytes >= *a.StorageBytes:
		return ErrOutOfStorage
	}
	return nil
}

// OverQuota reports whether the account's measured storage is over its
// quota, which revokes writes on its databases.
func (a *Account) OverQuota() bool {
	return a.StorageBytes != nil && a.UsedBytes > *a.StorageBytes
}

// SuspensionPreview says what suspending (Suspend) or unsuspending an
// account would change now. It is a read: nothing changes until
// UpdateAccount.
type SuspensionPreview struct {
	Suspend bool
	// Keys are the API keys a suspension disables, or the ones an
	// unsuspension enables again (only those the suspension disabled).
	Keys int
	// Databases are the databases whose status changes: logins refused on
	// suspension, restored on unsuspension (a database an operator
	// disabled stays disabled).
	Databases int
	// Sessions are the dashboard sessions a suspension signs out.
	Sessions int
}
