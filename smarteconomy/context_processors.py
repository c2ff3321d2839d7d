from .choices import Role
from .exportjobs import SESSION_FLAG
from .menu import menu_for
from .roles import user_role


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_sections": [], "user_role": None}
    role = user_role(user)
    return {
        "nav_sections": menu_for(user, request.path),
        "user_role": role,
        "user_role_label": Role(role).label if role else "",
        # Set when the user starts a background export or logs in with one (no query on every page).
        "has_export_jobs": bool(getattr(request, "session", {}).get(SESSION_FLAG)),
    }
