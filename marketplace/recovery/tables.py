"""One-time password reset codes that staff (or an administrator) issue for a member."""

from piccolo.columns import ForeignKey, OnDelete, Serial, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from marketplace.accounts.tables import User


class ResetCode(Table, tablename="reset_code"):
    id = Serial(primary_key=True)
    user = ForeignKey(references=User, on_delete=OnDelete.cascade, index=True)
    # sha256 of the code: a code is found by it, and a leaked table reveals no code.
    code_hash = Varchar(length=64, unique=True)
    # The code is HMAC(SECRET_KEY, salt): the slip page can show it again while it is
    # valid, without the table alone being enough to rebuild it.
    salt = Varchar(length=40)
    issued_by = ForeignKey(references=User, on_delete=OnDelete.restrict, null=True,
                           default=None)  # null: the command line
    created_at = Timestamptz(default=TimestamptzNow())
    expires_at = Timestamptz()
    used_at = Timestamptz(null=True, default=None)
    replaced_at = Timestamptz(null=True, default=None)  # a newer code was issued
