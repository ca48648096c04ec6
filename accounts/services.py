"""The account's own writes (the profile page); deleting an account is in personal_data.py."""


def rename(user, full_name):
    """The person's name as others see it in every collaboration (events keep the name they were
    recorded with only on the decision kinds; see projects.models.Event.shown_actor_name)."""
    user.full_name = full_name.strip()
    user.save(update_fields=["full_name"])
    return user
