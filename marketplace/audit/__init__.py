"""The audit log of sensitive actions: who did what to what, when, in which community."""
