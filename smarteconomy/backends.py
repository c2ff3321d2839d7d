"""The authentication backend: Django's ModelBackend with each user's permissions and role cached (the role and
the permissions themselves: smarteconomy.roles)."""

from django.conf import settings
from django.contrib.auth import backends

from .cache import Generation
from .roles import user_role

# Every user's cached permissions and role (ModelBackend), emptied by any change to users, groups or permissions.
AUTHORIZATION = Generation("authorization")


class ModelBackend(backends.ModelBackend):
    """Django's ModelBackend, which also keeps what every signed-in page asks of the user, their permissions and their
    role (3 queries), in the shared cache for AUTHORIZATION_CACHE_SECONDS (0: never; on by default only with Redis, a
    cache that every process shares). The user's own row is still read on every request, so a deactivated or
    deleted account, a changed password or a removed superuser flag take effect at the next request, cache or not.

    Any save or delete of a user, group or permission and any change of a user's groups or permissions, or of a
    group's permissions (``invalidate_authorization``), empties every user's entry at once (the same request and
    transaction see it) and again when the transaction commits (an entry cached from the old data in between is
    dropped). So a revoked permission ends at the next request. Only if Redis lost that very write would an entry
    outlive the change, for AUTHORIZATION_CACHE_SECONDS at most (60 s)."""

    def get_user(self, user_id):
        user = super().get_user(user_id)
        if user is not None and settings.AUTHORIZATION_CACHE_SECONDS:
            self._load_authorization(user)
        return user

    def _load_authorization(self, user):
        # The flags that decide what ModelBackend computes: an entry made under other flags is not used (a flag
        # changed with a queryset update(), which sends no signal).
        flags = (user.is_active, user.is_superuser)
        entry, generation = AUTHORIZATION.get(user.pk)
        if entry is not None and entry[0] == flags:
            _flags, user._user_perm_cache, user._group_perm_cache, user._role_cache = entry
            user._perm_cache = {*user._user_perm_cache, *user._group_perm_cache}
            return
        self.get_all_permissions(user)  # fills the user's _user_perm_cache, _group_perm_cache and _perm_cache
        entry = (flags, user._user_perm_cache, user._group_perm_cache, user_role(user))
        AUTHORIZATION.set(generation, entry, settings.AUTHORIZATION_CACHE_SECONDS, user.pk)


def invalidate_authorization(sender=None, instance=None, update_fields=None, action=None, **signal):
    """Empty every user's cached permissions and role (a receiver of the signals connected in ``connect_invalidation``):
    at once, and once more when the transaction commits."""
    if action is not None and not action.startswith("post_"):
        return  # m2m_changed: only once the change is made
    if update_fields is not None and set(update_fields) <= {"last_login"}:
        return  # a login's timestamp (saved at every login) is not cached
    AUTHORIZATION.invalidate(at_once=True)


def connect_invalidation():
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group, Permission
    from django.db.models.signals import m2m_changed, post_delete, post_save

    user_model = get_user_model()
    for model in (user_model, Group, Permission):
        for signal in (post_save, post_delete):
            signal.connect(invalidate_authorization, sender=model, dispatch_uid=f"authorization-{signal}-{model}")
    for through in (user_model.groups.through, user_model.user_permissions.through, Group.permissions.through):
        m2m_changed.connect(invalidate_authorization, sender=through, dispatch_uid=f"authorization-m2m-{through}")
