"""The roles of SPEC's table: the ids lanes and candidate groups must use."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class RoleInfo:
    id: str
    name_zh: str
    name_en: str


ROLES: tuple[RoleInfo, ...] = (
    RoleInfo("customer", "客户", "Customer"),
    RoleInfo("service_desk", "客服专员", "Service desk"),
    RoleInfo("quality_office", "质量室", "Quality office"),
    RoleInfo("tech_support", "技术部", "Technical support"),
    RoleInfo("dispatcher", "服务主任", "Dispatcher"),
    RoleInfo("engineer", "售后服务人员", "Service engineer"),
    RoleInfo("workshop", "车间", "Workshop"),
    RoleInfo("inspector", "检验", "Inspector"),
    RoleInfo("purchasing", "采购员", "Purchasing"),
    RoleInfo("warehouse", "仓库保管员", "Warehouse"),
    RoleInfo("sales", "营销人员", "Sales"),
    RoleInfo("finance", "财务", "Finance"),
    RoleInfo("quality_manager", "质量经理", "Quality manager"),
    RoleInfo("division_head", "分管领导", "Division head"),
    RoleInfo("general_manager", "总经理", "General manager"),
    RoleInfo("process_owner", "流程负责人", "Process owner"),
    RoleInfo("admin", "管理员", "Administrator"),
)


def role_aliases(roles: tuple[RoleInfo, ...] | list[RoleInfo] = ROLES) -> dict[str, str]:
    """Map every accepted lane name (id, Chinese or English name) to its role id."""
    aliases: dict[str, str] = {}
    for role in roles:
        for name in (role.id, role.name_zh, role.name_en, role.name_en.lower()):
            aliases[name] = role.id
    return aliases
