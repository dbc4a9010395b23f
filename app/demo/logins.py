"""Who to sign in as after ``seed-demo``, and what each login shows: the one list the
README's demo table is written from (``tests/demo/test_demo_seed.py`` checks both).

Each ``Check`` is a page the login opens and a pattern counted on it: the page must hold
at least one match (a row of a queue, a status, the 加载更多 link).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# The patterns that count one item of a list.
APPLICATION_ROW = r'href="/staff/applications/\d+"'


@dataclass(frozen=True)
class Check:
    path: str
    pattern: str  # a regular expression; each match is one item

    def count(self, html: str) -> int:
        return len(re.findall(self.pattern, html))


def shows(path: str, text: str) -> Check:
    """The page shows ``text`` (a status, a heading, a link)."""
    return Check(path, re.escape(text))


@dataclass(frozen=True)
class DemoLogin:
    phone: str
    who: str
    what: str  # what to look at and which path to walk
    checks: tuple[Check, ...] = ()

    def readme_row(self) -> str:
        return f"| {self.phone} | {self.who} | {self.what} |"


DEMO_LOGINS = (
    DemoLogin(
        "13800000001",
        "张小明, resident, real name bound",
        "资格自评, apply (公租房申请) from the start, messages",
        (shows("/apply/", "立即办理"),),
    ),
    DemoLogin(
        "13800000002",
        "李华, tenant (公租房, 琵琶湖公租房小区 1栋502); 银行代扣 failed (余额不足) the two "
        "months before this one",
        "租金: two overdue bills with late fees, paid through the sandbox gateway; receipts; "
        "银行代扣 results; the arrears notice in 消息; 合同续约 says why she cannot renew yet "
        "(arrears)",
        (shows("/rent/", "已逾期"),),
    ),
    DemoLogin(
        "13800000003",
        "王芳, tenant (廉租房·租金补贴); lease ends within 90 days",
        "合同续约 (`/renewal/`): the whole renewal, from 续租申请 to the signed contract; "
        "“续约申请已开放” in 消息; 租金 paid up, subsidy paid out to her each month",
        (shows("/renewal/", "续租申请"),),
    ),
    DemoLogin(
        "13800000004",
        "new resident without real-name binding",
        "the 实名认证 prompt",
        (shows("/", "请完成实名认证"),),
    ),
    DemoLogin(
        "13800000021",
        "蒋文, resident",
        "a 暂存 draft: 服务授权 and 申请区域 done; 公租房申请 → 继续我的申请 resumes at 身份验证",
        (shows("/apply/", "继续我的申请"),),
    ),
    DemoLogin(
        "13800000005",
        "赵敏, resident",
        "a submitted 公租房 application waiting for 受理 (我的申请)",
        (shows("/apply/status", "已提交，待街道受理"),),
    ),
    DemoLogin(
        "13800000006",
        "孙丽, resident",
        "an application in 一榜公示, listed on the public `/publicity/` page",
        (shows("/apply/status", "一榜公示中"),),
    ),
    DemoLogin(
        "13800000022",
        "钱进, resident (廉租房)",
        "an application accepted while `REVIEW_PATH` was 2019 (三榜公示): 一榜 done, waiting "
        "for 区审核",
        (shows("/apply/status", "区级审核中"),),
    ),
    DemoLogin(
        "13800000023",
        "冯雪, resident",
        "一榜公示 over, the 民政 家庭经济状况核对 under way",
        (shows("/apply/status", "民政经济状况核对中"),),
    ),
    DemoLogin(
        "13800000024",
        "何平, resident",
        "民政 report in, waiting for the city's 终审",
        (shows("/apply/status", "市住房保障部门终审中"),),
    ),
    DemoLogin(
        "13800000025",
        "许静, resident",
        "终审 passed, 结果公示 posted weeks ago: the city issues her 资格证明 once it is over",
        (shows("/apply/status", "结果公示中"),),
    ),
    DemoLogin(
        "13800000007",
        "吴刚, resident (廉租房)",
        "every round done; the printable 资格证明 with its QR code (`/certificate`)",
        (shows("/certificate", "九江市住房保障资格证明"),),
    ),
    DemoLogin(
        "13800000011",
        "刘洋, tenant (公租房, 琵琶湖公租房小区 2栋302, 浔阳区), rent paid up, no swap listing yet",
        "互换大厅 (`/swap/`): more than a page of listings (加载更多); 我的互换 → 发布互换信息 "
        "(want 濂溪区) and add photos; 周婷 then shows under 互相匹配",
        (shows("/swap/", "加载更多"),),
    ),
    DemoLogin(
        "13800000012",
        "周婷, tenant (公租房, 十里公租房小区 3栋502, 濂溪区), listing wants 浔阳区",
        "互相匹配: exchange chains of three (with 黄磊 and 郑伟), four and five homes, each "
        "with its 匹配度 (and 刘洋 as a mutual match once he posts); 我想换, messages, 申请互换",
        (shows("/swap/matches", "5 户互换 · 匹配度"),),
    ),
    DemoLogin(
        "13800000013",
        "郑伟, tenant (公租房, 沙河保障房小区 A栋302, 柴桑区), listing wants 濂溪区",
        "the third household of 周婷's chain",
        (shows("/swap/mine", "展示中"),),
    ),
    DemoLogin(
        "13800000014",
        "黄磊, tenant (公租房, 琵琶湖公租房小区 1栋302), listing wants 柴桑区",
        "the second household of 周婷's chain",
        (shows("/swap/mine", "展示中"),),
    ),
    DemoLogin(
        "13800000015",
        "吴敏, tenant (廉租房·租金补贴, 十里公租房小区 5栋301), listing wants 浔阳区",
        "only tenants who enjoy a rent subsidy (王芳) can ask her to swap; 公租房 tenants "
        "without one are refused with the reason",
        (shows("/swap/mine", "展示中"),),
    ),
    DemoLogin(
        "13800000016",
        "陈刚, tenant (公租房, 琵琶湖公租房小区 1栋501), listing wants 十里公租房小区, floors 1-9",
        "a listing wishing for a community rather than a district; 互相匹配: chains of four "
        "and five homes",
        (shows("/swap/mine", "展示中"), shows("/swap/matches", "4 户互换 · 匹配度")),
    ),
    DemoLogin(
        "13800000031",
        "曹阳 and 17 more tenants (13800000031–13800000048) of 八里湖公租房小区 (濂溪区) and "
        "沙河保障房小区 B/C栋 (柴桑区), each with a listing",
        "the rest of the board; mutual matches and chains of up to five homes among them "
        "(`/swap/matches`); "
        "任洁 (13800000046) has reported 叶帆's listing",
        (shows("/swap/matches", "多方互换（"),),
    ),
    DemoLogin(
        "13900000001",
        "街道审核 (浔阳区 · 甘棠街道)",
        "`/staff/applications`: 受理 赵敏, 补正 or 不予受理; finish 孙丽's 一榜公示 once its 5 "
        "working days are over; objections",
        (Check("/staff/applications", APPLICATION_ROW),),
    ),
    DemoLogin(
        "13900000002",
        "区审核 (浔阳区)",
        "`/staff/applications`: 区审核 of 钱进 (廉租房, 三榜), then 二榜公示",
        (Check("/staff/applications", APPLICATION_ROW),),
    ),
    DemoLogin(
        "13900000003",
        "市住房保障审核",
        "`/staff/applications`: 终审 of 何平 (then 结果公示); 发放资格证明 to 许静, whose "
        "结果公示 is over",
        (Check("/staff/applications", APPLICATION_ROW),),
    ),
    DemoLogin(
        "13900000004",
        "民政核对",
        "`/staff/applications`: record 冯雪's 家庭经济状况核对 report; 续约经济状况核对 "
        "(`/staff/renewals/checks`) once 王芳 asks for one",
        (Check("/staff/applications", APPLICATION_ROW),),
    ),
    DemoLogin(
        "13900000005",
        "租赁管理",
        "`/staff/rent/`: 李华's arrears, offline payments, bank deduction import; "
        "互换信息举报 (`/staff/swap/reports`): 任洁's report to check; 续约审核 "
        "(`/staff/renewals/`) and 互换审核 (`/staff/swap/`) fill up as 王芳 renews and "
        "刘洋 and 周婷 swap",
        (
            Check("/staff/rent/", r'href="/staff/rent/leases/\d+"'),
            Check("/staff/swap/reports", r'href="/staff/swap/reports/\d+"'),
        ),
    ),
    DemoLogin(
        "13900000006",
        "系统管理",
        "`/staff/accounts` (staff, roles, 街道/区 scope), `/staff/audit` (audit log, CSV export)",
        (Check("/staff/accounts", r'href="/staff/accounts/\d+"'),),
    ),
)
