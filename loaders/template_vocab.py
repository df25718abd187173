"""The words of the project's upload template, shared by its builder (etl/template.py) and readers.

Sheet names, header texts and the choices of each dropdown live here once, so the workbook a
user downloads and the code that reads it back cannot drift apart.
"""

from __future__ import annotations

SHEET_INFO = "说明"
SHEET_LONG = "长表"
SHEET_WIDE = "宽表"
SHEET_PROJECTS = "签约项目"
SHEET_MEMBERS = "联盟成员"
SHEET_LISTS = "参考"

#: first cell of the 说明 and 参考 sheets: sheets that carry no data
INFO_TITLE = "电池产业集群统计看板 · 数据上传模板"
LISTS_TITLE = "参考列表（供下拉选择，请勿修改）"

LONG_HEADERS = ["地区", "指标", "时期", "数值", "单位", "限定", "来源"]

#: the wide sheet: 指标 label in A1 and its value in B1, the unit row, then the header row
WIDE_INDICATOR_LABEL = "指标"
WIDE_UNIT_LABEL = "单位"
WIDE_SOURCE_LABEL = "来源"
WIDE_REGION_HEADER = "地区"
WIDE_YEARS = list(range(2020, 2026))
WIDE_HEADER_ROW = 3  # 1-based row of 地区 | 2020年 … | 来源 in the template

PROJECT_HEADERS = {
    "项目名称": "name",
    "地区": "region",
    "活动": "event",
    "签约日期": "signed_on",
    "投资额": "amount",
    "单位": "unit",
    "限定": "qualifier",
    "产业领域": "sector",
    "阶段": "stage",
    "来源": "source",
}
PROJECT_REQUIRED = ["项目名称", "地区"]

MEMBER_HEADERS = {
    "联盟": "alliance",
    "成员名称": "name",
    "类型": "kind",
    "角色": "role",
    "加入日期": "joined",
    "退出日期": "left",
    "来源": "source",
}
MEMBER_REQUIRED = ["联盟", "成员名称", "类型"]

#: dropdown text → stored code; (code → English label) in the *_EN tables
SECTORS = {
    "锂离子电池": "lithium-ion",
    "钠离子电池": "sodium-ion",
    "氢燃料电池": "hydrogen-fuel-cell",
    "储能": "energy-storage",
    "电池材料": "battery-materials",
    "回收利用": "recycling",
    "新能源汽车": "new-energy-vehicle",
    "其他": "other",
}
SECTORS_EN = {
    "lithium-ion": "Lithium-ion batteries",
    "sodium-ion": "Sodium-ion batteries",
    "hydrogen-fuel-cell": "Hydrogen fuel cells",
    "energy-storage": "Energy storage",
    "battery-materials": "Battery materials",
    "recycling": "Recycling",
    "new-energy-vehicle": "New-energy vehicles",
    "other": "Other",
}
STAGES = {"签约": "signed", "开工": "construction", "投产": "production"}
STAGES_EN = {
    "signed": "Signed",
    "construction": "Under construction",
    "production": "In production",
}
MEMBER_KINDS = {
    "企业": "enterprise",
    "高校": "university",
    "科研院所": "institute",
    "政府": "government",
    "协会": "association",
    "个人": "person",
}
MEMBER_ROLES = {
    "发起单位": "founder",
    "牵头单位": "lead",
    "成员单位": "member",
    "专家": "expert",
    "支持单位": "supporter",
}
#: shorter words people write for the same roles
ROLE_ALIASES = {"发起": "founder", "牵头": "lead", "成员": "member", "支持": "supporter"}
#: the 限定 dropdown (the readers also accept 多, 过, 以上, 逾, 突破, 近, 左右)
QUALIFIER_CHOICES = ["余", "超过", "约", "精确"]
AMOUNT_UNITS = ["亿元", "万元", "元"]
WIDE_UNITS = [
    "万吨", "吨", "亿平方米", "万平方米", "GWh", "万千瓦", "千瓦", "亿元", "万元",
    "个", "家", "件", "万人", "人", "万辆", "辆",
]  # fmt: skip
