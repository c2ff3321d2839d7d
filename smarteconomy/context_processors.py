from .menu import menu_for
from .roles import user_role


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_sections": [], "user_role": None}
    return {"nav_sections": menu_for(user, request.path), "user_role": user_role(user)}
