"""Community pages: places and staff appointments, members, the community's rules."""

from marketplace.community.views.members import MemberController
from marketplace.community.views.places import CommunityController
from marketplace.community.views.rules import RulesController

__all__ = ["CommunityController", "MemberController", "RulesController"]
