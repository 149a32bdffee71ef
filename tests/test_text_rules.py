"""Text against tables: numbers a report states in words, read with the spec's phrases and compared with the tables.

Sentences are written the ways real reports write them (digits, Chinese numerals, 两, the number before the noun,
"未收到" for none); each must be read as the number it states, and sentences about something else not at all.
"""

from __future__ import annotations

import re
import sys
import unicodedata
from pathlib import Path

import documents
import openpyxl
import pytest
from builders import TEMPLATE, build, published
from test_import import _published_as
from test_structure import NO_OTHER, VALUES

from validator import check_paths
from validator.annotate.zip_painter import write_annotated
from validator.findings import FileReport
from validator.rules.kinds.text_basis import documents as cited
from validator.rules.kinds.text_number import statements
from validator.rules.literals import needed
from validator.rules.numerals import chinese_number
from validator.rules.statements import phrase, readings, stated
from validator.sources.formats import load_file
from validator.sources.xlsx import load

RULES = {r.code: r for r in TEMPLATE.rules}

# (rule, sentence, the number it states or None when it states none for that rule)
SENTENCES = [
    ("TT01", "本年度共收到政府信息公开申请23件", 23),
    ("TT01", "全年新收政府信息公开申请二十三件，上年结转1件", 23),
    ("TT01", "2021年，我局共受理依申请公开申请2件", 2),
    ("TT01", "收到2件政府信息公开申请", 2),
    ("TT01", "本机关共接到两件信息公开申请", 2),
    ("TT01", "依申请公开方面，全年共受理申请3件，均按时办结", 3),
    ("TT01", "本年新收政府信息公开申请数量为0", 0),
    ("TT01", "本年度未收到政府信息公开申请", 0),
    # phrasings of published reports that name 依申请公开 rather than 政府信息公开申请
    ("TT01", "全年收到依申请公开121件", 121),
    ("TT01", "共受理政府信息公开申请12件", 12),
    ("TT01", "全年依申请公开121件，办结119件", 121),
    ("TT01", "依申请公开方面，全年共收到121件，办结119件", 121),
    ("TT01", "本年度共受理依申请公开事项8件", 8),
    ("TT01", "全年共收到依申请公开申请5件，均已办结", 5),
    ("TT01", "收到政府信息公开申请的数量为12件", 12),
    ("TT01", "全年新收依申请公开12件", 12),
    ("TT01", "全年依申请公开办结119件", None),
    ("TT01", "全年共办理依申请公开申请12件（含上年结转2件）", None),  # received and carried in: not the new count
    ("TT01", "本机关共收到依申请公开事项12件，其中上年结转2件", None),
    # a total of the new and the carried-over ones, however written, is not the new count ("不含" excludes them);
    # the new count it is said to include is, said where the sentence is about applications for information
    ("TT01", "本年度共受理政府信息公开申请57件，其中本年度新收54件，上年度结转3件", 54),
    ("TT01", "本年度共受理政府信息公开申请57件，其中：新收54件、上年结转3件", 54),
    ("TT01", "本年度共收到政府信息公开申请57件（新收54件，上年结转3件）", 54),
    ("TT01", "2025年共受理政府信息公开申请57件（其中本年新收54件、2024年结转3件）", 54),
    ("TT01", "共收到并办理政府信息公开申请57件，其中本年新收54件，上年结转3件", 54),
    ("TT01", "依申请公开方面，上年结转3件，本年度新收54件", 54),
    ("TT01", "共办理信息公开申请57件，其中上年度结转3件、今年新收54件", 54),
    ("TT01", "本年度共受理政府信息公开申请57件，含上年度结转3件", None),
    # 新收 of another kind of case: 行政复议 and 诉讼 also count the cases they newly received
    ("TT01", "本年度共收到行政复议申请5件，其中新收4件，上年结转1件", None),
    ("TT01", "收到政府信息公开申请57件，行政复议新收2件", 57),
    ("TT01", "政府信息公开行政诉讼案件共3件，其中新收2件", None),
    ("TT01", "本年度新收3件", None),  # nothing says what was received
    ("TT01", "本年度共受理政府信息公开申请57件，其中新收申请54件，上年结转申请3件", 54),
    ("TT01", "本年度共收到政府信息公开申请54件（不含上年结转3件）", 54),
    ("TT01", "本年度共收到政府信息公开申请54件，办结51件，结转下年度继续办理3件", 54),
    ("TT01", "受理行政复议申请1件", None),
    ("TT01", "上年结转政府信息公开申请1件", None),
    ("TT01", "2021年度本机关未收取信息处理费", None),
    ("TT02", "上年结转政府信息公开申请1件", 1),
    ("TT02", "上年度结转申请两件", 2),
    ("TT02", "其中1件为上年结转", 1),
    ("TT02", "无上年结转申请", 0),
    ("TT02", "本年新收申请3件", None),
    # the year before written as a year, 去年, or carried over "to this year"
    ("TT02", "2024年结转3件", 3),
    ("TT02", "2023年度结转政府信息公开申请2件", 2),
    ("TT02", "去年结转的申请2件", 2),
    ("TT02", "结转至本年度办理的申请2件", 2),
    ("TT02", "由2024年度结转至本年度继续办理的申请3件", 3),
    ("TT02", "有2件申请为2024年结转", 2),
    # carried over to the next year, or another kind of case
    ("TT02", "2025年结转下年度继续办理3件", None),
    ("TT02", "2025年度结转至下一年度的申请3件", None),
    ("TT02", "结转下年度继续办理2件", None),
    ("TT02", "上年结转行政复议案件1件", None),
    ("TT03", "结转下年度继续办理2件", 2),
    ("TT03", "结转至下一年度办理的申请1件", 1),
    ("TT03", "2件结转下年度", 2),
    ("TT03", "无结转下年度申请", 0),
    ("TT04", "本年度发生政府信息公开行政复议案件1件", 1),
    ("TT04", "被申请行政复议两起", 2),
    ("TT04", "发生1起政府信息公开行政复议", 1),
    ("TT04", "行政复议0件，行政诉讼3件", 0),
    ("TT04", "未发生因政府信息公开引起的行政复议、行政诉讼", 0),
    ("TT05", "发生政府信息公开行政诉讼案件两起", 2),
    ("TT05", "行政复议0件，行政诉讼3件", 3),
    ("TT05", "未发生因政府信息公开引起的行政复议、行政诉讼", 0),
    ("TT05", "本年度被申请行政复议1件", None),
    ("TT06", "本年度制发行政规范性文件4件", 4),
    ("TT06", "印发了2件规范性文件", 2),
    ("TT06", "现行有效行政规范性文件37件", None),
    ("TT07", "现行有效的规范性文件共三十七件", 37),
    ("TT08", "全年共作出行政许可决定1268件", 1268),
    ("TT08", "办理行政许可1,268件", 1268),
    ("TT09", "行政处罚案件三百一十五起", 315),
    ("TT10", "行政强制措施十二次", 12),
    # the number before the noun
    ("TT02", "上年度无结转", 0),
    ("TT05", "本年度发生2起政府信息公开行政诉讼", 2),
    ("TT08", "全年办理1268件行政许可", 1268),
    ("TT09", "作出315件行政处罚", 315),
    ("TT10", "实施12次行政强制", 12),
    # a part of the figure, its words restricting what it counts: an applicant type, a subject (涉及/关于/有关…的,
    # 涉企), words after 其中 beyond the year and the agency; the rule's own subject restricts nothing
    ("TT01", "全年收到自然人申请39件", None),
    ("TT01", "收到法人或其他组织提出的申请15件", None),
    ("TT01", "本年度收到商业企业申请7件", None),
    ("TT01", "收到公民法人和其他组织提出的申请54件", 54),  # every applicant type: all of them
    # all applicants listed after the verb (、 and 和/及/或者 between them): the total, not a part
    ("TT01", "本年度共收到公民、法人和其他组织提出的政府信息公开申请54件", 54),
    ("TT01", "共受理公民、法人或者其他组织政府信息公开申请54件", 54),
    ("TT01", "本年度共收到自然人、法人或其他组织提交的政府信息公开申请54件", 54),
    ("TT01", "本年度共收到个人、法人及其他组织的政府信息公开申请54件", 54),
    ("TT01", "共受理了来自公民、法人和其他组织的政府信息公开申请54件", 54),
    ("TT01", "收到公民、法人和其他组织通过网上平台提出的政府信息公开申请54件", 54),
    ("TT01", "本年度共收到公民、法人和其他组织提出的申请57件，其中新收54件，上年结转3件", 54),
    ("TT01", "本年度共受理公民、法人或者其他组织提出的政府信息公开申请54件，其中自然人申请39件", 54),
    ("TT11", "本年度共受理公民、法人或者其他组织提出的政府信息公开申请54件，其中自然人申请39件", 39),
    ("TT12", "本年度共收到公民、法人和其他组织提出的政府信息公开申请54件", None),
    ("TT01", "本年度未收到公民、法人或者其他组织提出的政府信息公开申请", 0),
    ("TT01", "收到各类政府信息公开申请54件", 54),
    ("TT01", "全年共新收政府信息公开申请54件", 54),
    # some applicant types listed, not all of them: a part
    ("TT01", "收到自然人、律师申请5件", None),
    ("TT01", "收到法人和其他组织提出的政府信息公开申请15件", None),
    ("TT01", "收到商业企业、科研机构和法律服务机构申请9件", None),
    ("TT01", "收到涉及征地拆迁的申请20件", None),
    ("TT01", "受理关于规划建设的政府信息公开申请15件", None),
    ("TT01", "收到有关教育收费的申请3件", None),
    ("TT01", "共收到政府信息公开申请57件，其中通过网上平台收到申请30件", 57),
    ("TT01", "收到涉及本机关政府信息公开工作的申请54件", 54),
    # applicants that are some of a type or of several (律师 may apply as a person or for a firm; 组织 is any of
    # 表三's five columns of organisations): a part, read by no type's rule; 组织 as a verb is no applicant
    ("TT01", "收到律师申请5件", None),
    ("TT01", "收到组织申请5件", None),
    ("TT01", "收到5件律师申请", None),
    ("TT01", "全年收到律师事务所提出的政府信息公开申请5件", None),
    ("TT01", "收到社会组织的申请5件", None),
    ("TT01", "本机关组织专人受理政府信息公开申请54件", 54),
    ("TT02", "上年结转律师申请2件", None),
    ("TT16", "收到律师申请5件", None),
    ("TT03", "有自然人申请2件需结转下一年度", None),
    ("TT04", "未发生涉及政府信息公开的行政复议案件", 0),
    ("TT04", "发生涉及政府信息公开工作的行政复议案件2件", 2),
    ("TT04", "发生涉及征地拆迁信息公开的行政复议案件2件", None),
    ("TT08", "全年共办理行政许可事项1268件，其中涉企行政许可856件", None),
    ("TT08", "其中涉企行政许可856件", None),
    ("TT08", "其中本年度作出行政许可决定1268件", 1268),
    # a count in a 含/其中/包括 clause or parenthesis belongs to the noun before it: 行政复议 and 诉讼 cases carried
    # over are not applications carried over
    ("TT02", "本年度发生政府信息公开行政复议4件（含上年结转1件）", None),
    ("TT02", "本年度共收到行政复议申请5件，其中新收4件，上年结转1件", None),
    ("TT02", "政府信息公开行政诉讼3件（其中上年结转1件）", None),
    ("TT02", "本年度发生行政复议4件，其中新收3件（含上年结转1件）", None),  # a part of a part of 行政复议
    ("TT02", "全年共办理依申请公开申请12件（含上年结转2件）", 2),
    ("TT02", "本年度共受理政府信息公开申请57件，其中：新收54件、上年结转3件", 3),
    ("TT03", "行政复议4件，其中结转下年度继续办理1件", None),
    # a count in a 含/包括 clause or a parenthesis after a total, its words naming some of what the total counts (by
    # channel, by subject), is a part of the total, for every rule; the carry-over after the clause or parenthesis is
    # no part of it (the total is the new count), nor after a part other than the new ones
    ("TT01", "2025年共收到政府信息公开申请15件（含通过信函收到的申请3件），上年结转1件，结转下年度继续办理1件", 15),
    ("TT01", "2025年共收到政府信息公开申请15件（含通过信函收到的申请3件）", 15),
    ("TT01", "共受理政府信息公开申请15件，包括当面受理申请2件，上年结转1件，结转下年度继续办理1件", 15),
    ("TT01", "共受理政府信息公开申请15件，含当面受理申请2件，上年结转1件", 15),
    ("TT01", "共收到政府信息公开申请15件（其中通过信函收到申请3件），上年结转1件", 15),
    ("TT01", "本年度共收到政府信息公开申请15件，包含通过网上平台收到的申请12件", 15),
    ("TT01", "注：含通过信函收到的申请3件", None),  # a note under 表三, on its total
    ("TT01", "本年度共收到政府信息公开申请54件（不包含上年结转3件）", 54),
    ("TT02", "2025年共收到政府信息公开申请15件（含通过信函收到的申请3件），上年结转1件", 1),
    ("TT08", "全年共作出行政许可决定1268件（含通过网上办理作出的行政许可决定856件）", 1268),
    ("TT09", "作出行政处罚决定315件，包括通过简易程序作出的行政处罚120件", 315),
    # the new applications of one applicant type (表三's columns of row 一): read by that type's rule, as the
    # applicants are named in the sentence (其中…, …提出, 来自…的, 收到…申请), never by the total's
    ("TT11", "本年度共收到政府信息公开申请54件，其中自然人申请39件，法人或其他组织申请15件", 39),
    ("TT12", "本年度共收到政府信息公开申请54件，其中自然人申请39件，法人或其他组织申请15件", 15),
    ("TT11", "自然人提出申请39件、法人或其他组织提出15件", 39),
    ("TT12", "自然人提出申请39件、法人或其他组织提出15件", 15),
    ("TT11", "来自自然人的申请39件，来自商业企业的申请8件", 39),
    ("TT13", "来自自然人的申请39件，来自商业企业的申请8件", 8),
    ("TT11", "全年收到自然人申请三十九件", 39),
    ("TT12", "收到法人或其他组织提出的申请15件", 15),
    ("TT13", "本年度收到商业企业申请7件", 7),
    ("TT14", "新收政府信息公开申请54件，其中科研机构1件、社会公益组织1件、法律服务机构5件", 1),
    ("TT15", "新收政府信息公开申请54件，其中科研机构1件、社会公益组织1件、法律服务机构5件", 1),
    ("TT16", "新收政府信息公开申请54件，其中科研机构1件、社会公益组织1件、法律服务机构5件", 5),
    ("TT12", "新收政府信息公开申请54件，其中科研机构1件、社会公益组织1件、法律服务机构5件", None),  # parts of it
    ("TT12", "本年度收到法人和其他组织申请15件（其中商业企业7件）", 15),
    # a semicolon in brackets parts the bracket's list, not the sentence: its parts stay with the count before it
    ("TT01", "本年度共收到政府信息公开申请57件（其中本年新收54件；上年结转3件）", 54),
    ("TT02", "本年度共收到政府信息公开申请57件（其中本年新收54件；上年结转3件）", 3),
    ("TT12", "本年度共收到政府信息公开申请54件（其中自然人申请39件；法人或其他组织申请15件）", 15),
    ("TT12", "本年度共收到政府信息公开申请54件【其中自然人申请39件；法人或其他组织申请15件】", 15),
    ("TT01", "本年度共收到政府信息公开申请54件；上年结转3件", 54),  # outside brackets: two sentences
    ("TT13", "本年度收到法人和其他组织申请15件（其中商业企业7件）", 7),
    # all applicant types together are the total, not a type
    ("TT11", "公民、法人和其他组织共提出申请54件", None),
    ("TT12", "公民、法人和其他组织共提出申请54件", None),
    ("TT11", "本年度收到自然人、法人或其他组织提出的政府信息公开申请54件", None),
    ("TT12", "本年度收到自然人、法人或其他组织提出的政府信息公开申请54件", None),
    # not new applications by type: carried over from the year before or to the next, 行政复议 and 诉讼 by
    # applicant, outcomes by applicant, counts of persons or visits (人次), a total with the carried-over ones
    ("TT11", "上年结转自然人申请2件", None),
    ("TT11", "上年结转政府信息公开申请3件，其中自然人2件、商业企业1件", None),
    ("TT13", "上年结转政府信息公开申请3件，其中自然人2件、商业企业1件", None),
    ("TT11", "本年度收到政府信息公开申请54件，其中自然人2件为上年结转", None),
    ("TT11", "有自然人申请2件需结转下一年度", None),
    ("TT11", "本年度收到行政复议申请4件，其中自然人提出3件", None),
    ("TT11", "收到自然人提出的行政复议申请3件", None),
    ("TT12", "法人或其他组织提起行政诉讼1件", None),
    ("TT11", "本年度共办理政府信息公开申请57件，其中自然人41件", None),
    ("TT11", "收到政府信息公开申请54件，办结53件，其中自然人38件", None),
    ("TT11", "全年接待自然人来访查询39人次", None),
    ("TT11", "全年收到自然人申请39人次", None),
    ("TT11", "全年收到自然人申请39件次", None),
    ("TT11", "其中自然人申请39件", None),  # nothing says the applications were received
    # a sentence opening with 其中 counts parts of what the sentence before it in its paragraph counted: read with
    # that sentence as its context (a total before it is no new count), never across paragraphs
    ("TT01", "本年度共受理政府信息公开申请58件。其中，新收54件，上年结转4件", 54),
    ("TT02", "本年度共受理政府信息公开申请58件。其中，新收54件，上年结转4件", 4),
    ("TT01", "本年度共受理政府信息公开申请58件；其中新收54件、上年结转4件", 54),
    ("TT01", "依申请公开方面，全年共办理政府信息公开申请58件。其中：本年度新收申请54件，2024年结转4件", 54),
    ("TT01", "本年度共受理政府信息公开申请58件。\n其中，新收54件", 58),  # another paragraph: no context
    ("TT01", "本年度共收到行政复议申请5件。其中，新收4件，上年结转1件", None),
    ("TT02", "本年度发生政府信息公开行政复议4件。其中，上年结转1件", None),
    ("TT03", "本年度发生政府信息公开行政复议4件。其中，结转下年度继续办理1件", None),
    ("TT01", "共收到政府信息公开申请57件。其中，通过网上平台收到申请30件", 57),
    ("TT01", "共收到政府信息公开申请57件，其中，通过网上平台收到申请30件", 57),
    ("TT11", "本年度共收到政府信息公开申请54件。其中，自然人申请39件，法人或其他组织申请15件", 39),
    ("TT12", "本年度共收到政府信息公开申请54件。其中，自然人申请39件，法人或其他组织申请15件", 15),
    ("TT01", "本年度共收到政府信息公开申请54件。其中，自然人申请39件，法人或其他组织申请15件", 54),
    ("TT12", "本年度共收到政府信息公开申请54件；其中自然人39件、法人或者其他组织15件", 15),
    ("TT11", "本年度共收到政府信息公开申请54件。\n其中，自然人申请39件", None),
    ("TT11", "本年度共受理政府信息公开申请58件（含上年结转4件）。其中，自然人申请42件", None),
    ("TT11", "本年度收到行政复议申请4件。其中，自然人提出3件", None),
    # 公民 and 个人 name natural persons, as 自然人 does; not together with 法人 (all types), nor 个人信息/隐私
    ("TT11", "本年度共收到政府信息公开申请54件，其中个人申请39件，法人或其他组织申请15件", 39),
    ("TT11", "本年度共收到政府信息公开申请54件。其中，公民申请39件，企业申请15件", 39),
    ("TT11", "来自个人的申请39件", 39),
    ("TT11", "全年收到公民提出的政府信息公开申请三十九件", 39),
    ("TT01", "全年收到公民申请39件", None),
    ("TT01", "收到个人提出的申请39件", None),
    ("TT11", "个人、法人或其他组织共提出申请54件", None),
    ("TT12", "个人、法人或其他组织共提出申请54件", None),
    ("TT11", "公民、法人或者其他组织共提出申请54件", None),
    ("TT11", "收到个人信息公开申请3件", None),  # personal information, or applications by persons: not said
    ("TT11", "收到涉及个人隐私的申请3件", None),
    # a sentence opening with 从…看 naming a breakdown is read as one opening with 其中; not 从…看 naming none
    ("TT11", "本年度共收到政府信息公开申请54件。从申请主体看，自然人申请39件，法人或其他组织申请15件", 39),
    ("TT12", "本年度共收到政府信息公开申请54件。从申请主体看，自然人申请39件，法人或其他组织申请15件", 15),
    ("TT01", "本年度共收到政府信息公开申请54件。从申请主体看，自然人申请39件，法人或其他组织申请15件", 54),
    ("TT11", "本年度共收到政府信息公开申请54件。从申请人类型来看，个人申请39件", 39),
    ("TT13", "本年度新收政府信息公开申请54件；从申请人身份上看，商业企业申请7件", 7),
    ("TT02", "本年度共受理政府信息公开申请58件。从申请来源看，新收54件，上年结转4件", 4),
    ("TT01", "本年度共收到政府信息公开申请54件。从申请方式看，通过网上平台收到申请30件", 54),
    ("TT11", "本年度共收到政府信息公开申请54件。\n从申请主体看，自然人申请39件", None),  # another paragraph
    ("TT11", "本年度共收到政府信息公开申请54件。从全年情况看，自然人申请39件", None),
    ("TT11", "本年度收到行政复议申请4件。从申请主体看，自然人提出3件", None),
    # the applicant named as what the applicant is ("申请人为自然人的")
    ("TT11", "本年度新收政府信息公开申请54件。其中，申请人为自然人的39件，申请人为法人或其他组织的15件", 39),
    ("TT12", "本年度新收政府信息公开申请54件。其中，申请人为自然人的39件，申请人为法人或其他组织的15件", 15),
]


@pytest.mark.parametrize(("code", "sentence", "number"), SENTENCES, ids=[f"{c}-{s}" for c, s, _ in SENTENCES])
def test_phrases_read_the_number_a_sentence_states(code: str, sentence: str, number: int | None) -> None:
    found = [s.value for s in statements(sentence, RULES[code].params)]
    assert found == ([] if number is None else [number])


def test_every_match_of_a_rules_phrases_holds_the_words_it_is_tried_by() -> None:
    """A phrase is tried only on the sentences holding a word of each set of words it needs: on every sentence of
    this file, every match of every phrase of the shipped rules holds them."""
    texts = [s for _, s, _ in SENTENCES] + [s for s, _ in BY_TYPE] + [_by_type(), *TOTAL_WITH_CARRIED, *CONTINUED]
    for code in TEXT_NUMBER:
        for pattern in map(phrase, (*RULES[code].params["phrases"], *RULES[code].params["zero_phrases"])):
            needs = needed(pattern.pattern)
            assert needs, (code, pattern.pattern)  # every shipped phrase has words to look for
            matches = [m.group() for t in texts for _, s in readings(t).sentences for m in pattern.finditer(s)]
            assert matches, (code, pattern.pattern)  # every shipped phrase fits a sentence of this file
            assert all(all(any(w in m for w in words) for words in needs) for m in matches), (code, pattern.pattern)


def test_a_phrase_without_words_certain_of_its_matches_is_tried_on_every_sentence() -> None:
    """A phrase is tried only on the sentences holding the words its matches need; a phrase ignoring case has none
    certain (RECEIVED is no "received"), and is tried on every sentence."""
    phrases = ["(?i)received {n} requests", "收到申请{n}件"]
    found = stated("We RECEIVED 5 requests。又收到申请两件。", phrases)
    assert [s.value for s in found] == [5, 2]


@pytest.mark.parametrize(
    ("text", "value"),
    [("二十三", 23), ("两", 2), ("零", 0), ("〇", 0), ("十", 10), ("十二", 12), ("一百零五", 105), ("两百", 200),
     ("一千二百", 1200), ("三百一十五", 315), ("一万零五", 10005), ("二〇二一", 2021), ("二三", None), ("十十", None)],
)  # fmt: skip
def test_chinese_numerals(text: str, value: int | None) -> None:
    assert chinese_number(text) == value


def check(path: Path, text: dict[str, str], **variant) -> FileReport:
    (report,) = check_paths([build(path / "report.xlsx", VALUES | text, **variant)])
    return report


def test_a_contradiction_is_a_warning_at_the_text_with_both_values(tmp_path: Path) -> None:
    stated_new = VALUES["t3.new.total"] - 1
    report = check(tmp_path, {"problems": f"本年度共收到政府信息公开申请{stated_new}件，均已按时答复。"})
    (finding,) = report.findings
    assert (finding.rule, finding.severity, finding.cell.ref) == ("TT01", "warning", "正文!B3")
    assert [c.ref for c in finding.cells] == ["正文!B3", "表三!J5"]
    assert (finding.actual, finding.expected) == (stated_new, VALUES["t3.new.total"])
    assert f"（{stated_new}）" in finding.message and f"= {VALUES['t3.new.total']}" in finding.message
    assert finding.message.startswith("正文 B3「五、") and "正文正文" not in finding.message  # 正文 said once


@pytest.mark.parametrize(
    "text",
    [
        "2025年共收到政府信息公开申请{n}件（含通过信函收到的申请3件），上年结转3件。",
        "共受理政府信息公开申请{n}件，包括当面受理申请2件，上年结转3件。",
        "共受理政府信息公开申请{n}件（含：当面受理申请2件、网上受理申请{m}件）。",
        "本年度共收到政府信息公开申请{n}件，其中，通过网上平台收到申请{m}件，通过信函收到申请1件。",
    ],
)
def test_a_total_with_its_parts_in_a_clause_is_compared_itself(tmp_path: Path, text: str) -> None:
    """A total with some of what it counts in its 含/包括/其中 clause or parenthesis: the total is what the text says
    of the figure, the one warning when it differs from the table, and its parts are not compared."""
    stated_new = VALUES["t3.new.total"] - 1
    report = check(tmp_path, {"problems": text.format(n=stated_new, m=stated_new - 2)})
    assert [(f.rule, f.actual) for f in report.findings] == [("TT01", stated_new)]


def test_a_lawsuit_count_is_compared_with_both_lawsuit_totals(tmp_path: Path) -> None:
    lawsuits = VALUES["t4.cases.direct.total"] + VALUES["t4.cases.after_review.total"]
    assert check(tmp_path, {"problems": f"本年度发生政府信息公开行政诉讼{lawsuits}起。"}).findings == []
    report = check(tmp_path, {"problems": "本年度未发生政府信息公开行政诉讼。"})
    (finding,) = report.findings
    assert finding.rule == "TT05"
    assert [c.ref for c in finding.cells] == ["正文!B3", "表四!J5", "表四!O5"]


def test_consistent_text_written_many_ways_is_silent(tmp_path: Path) -> None:
    v = VALUES
    text = (
        f"本年度共收到政府信息公开申请{v['t3.new.total']}件，上年结转{v['t3.carried_in.total']}件；"
        f"结转下年度继续办理{v['t3.carried_out.total']}件。发生行政复议案件四件。"
        f"制发行政规范性文件{v['t2_1.normative.issued']}件，现行有效行政规范性文件三十七件。"
        "作出行政许可决定1268件、行政处罚决定三百一十五件，实施行政强制十二次。"
    )
    assert check(tmp_path, {"problems": text}).findings == []


def test_a_table_value_that_is_unknown_is_not_compared(tmp_path: Path) -> None:
    report = check(tmp_path, {"t3.new.total": "很多", "problems": "本年度共收到政府信息公开申请3件。"})
    assert [f.rule for f in report.findings] == ["TY07"]


@pytest.mark.parametrize("fmt", ("xlsx", "html"))
@pytest.mark.parametrize(
    ("key", "said"),
    (("t3.new.total", "收到政府信息公开申请{}件"), ("t4.cases.review.total", "发生政府信息公开行政复议案件{}件")),
)
def test_a_blank_table_total_is_not_compared(tmp_path: Path, fmt: str, key: str, said: str) -> None:
    """A blank total counts as 0 in the equations, but the text is not wrong about it: TY01 and the equations say
    what to fill in. The text stating the total is not blamed, on a workbook or a published page."""
    values = {k: x for k, x in VALUES.items() if x is not None and k != key}
    paragraphs = {"表三" if key.startswith("t3") else "表四": (f"本年度{said.format(VALUES[key])}。",)}
    path = published(tmp_path / "report.xlsx", values, paragraphs=paragraphs)
    if fmt == "html":
        page = documents.clean_html(documents.segments(load(path).grid.sheets[0]))
        (path := tmp_path / "report.html").write_bytes(page)
    (report,) = check_paths([path])
    rules = {f.rule for f in report.findings}
    assert "TY01" in rules and not any(r.startswith("TT") for r in rules)


def test_the_basis_document(tmp_path: Path) -> None:
    old = check(tmp_path, {"overview": "本报告依据国办公开办函〔2019〕60号编制。"})
    assert [(f.rule, f.cell.ref) for f in old.findings] == [("TX05", "正文!B2")]
    assert "国办公开办函〔2021〕30号" in old.findings[0].message
    assert old.findings[0].message.startswith("正文 B2「一、总体情况」引用了")
    none = check(tmp_path, {"overview": "本机关扎实推进政务公开工作。"})
    assert [(f.rule, f.severity) for f in none.findings] == [("TX06", "info")]
    (finding,) = none.findings
    assert finding.message.count("正文没有写明报告的编制依据") == 1  # said once, then what to write
    assert "国办公开办函〔2021〕30号的要求编制" in finding.message
    law = check(tmp_path, {"overview": "本机关认真贯彻《中华人民共和国政府信息公开条例》。"})
    assert law.findings == []  # most reports name the 条例, not the format notice: no noise on them


def test_only_a_text_holding_the_number_sign_can_cite_a_document() -> None:
    """TX05/TX06 normalise only the sentences where 号 stands (slow for Chinese text): no other character is 号
    once normalised, so no citation is passed over (written in full-width forms it still is one)."""
    assert [
        c for c in map(chr, range(sys.maxunicode + 1)) if c != "号" and "号" in unicodedata.normalize("NFKC", c)
    ] == []
    assert cited("本报告依据国办公开办函［２０２１］３０号编制") == ["国办公开办函〔2021〕30号"]


def test_the_seed_text_against_its_tables(tmp_path: Path) -> None:
    """The seed's own words (the 条例 as its basis, no fee charged) on the seed layout; its tables are all zero."""
    zeros = {k: 0 for k in VALUES if k.startswith(("t2", "t3", "t4"))}
    paragraphs = {
        "overview": (
            "2021年，按照区政府工作部署，区投资商务局紧扣《中华人民共和国政府信息公开条例》要求，扎实推进政府信息公开各项工作。",
        ),
        "other_matters": ("2021年度本机关未收取信息处理费。发出收费通知的件数和总金额，以及实际收取的总金额均为0。",),
    }
    path = published(tmp_path / "seed.xlsx", VALUES | NO_OTHER | zeros, paragraphs=paragraphs, cover=True)
    (report,) = check_paths([path])
    assert report.findings == []
    stated_one = {"overview": (paragraphs["overview"][0] + "本年度共受理政府信息公开申请1件。",)}
    path = published(tmp_path / "seed1.xlsx", VALUES | NO_OTHER | zeros, paragraphs=paragraphs | stated_one, cover=True)
    (report,) = check_paths([path])
    assert [f.rule for f in report.findings] == ["TT01"]


def test_last_years_figure_and_parts_of_this_years_are_no_contradiction(tmp_path: Path) -> None:
    new = VALUES["t3.new.total"]
    text = (
        f"本年度新收政府信息公开申请{new}件，较2024年收到的申请{new - 7}件增加7件。"
        f"通过网上申请平台收到申请{new - 20}件，通过信函收到申请20件。"
        f"比上年收到的申请{new + 3}件有所减少。"
    )
    assert check(tmp_path, {"problems": text}).findings == []
    wrong = f"通过网上申请平台收到申请{new - 20}件，通过信函收到申请21件。较上年收到的申请{new}件有所增加。"
    report = check(tmp_path, {"problems": wrong})
    assert sorted(f.actual for f in report.findings) == [21, new - 20]  # parts that do not add up: both named


# Sentences of the 2025 report giving figures as another year's, or as compared with: none is this year's
OTHER_YEARS = (
    "2024年收到政府信息公开申请42件，2025年收到54件。",
    "2024年度共收到政府信息公开申请42件；2025年度共收到政府信息公开申请54件。",
    "与2024年收到政府信息公开申请42件相比，本年度增加12件。",
    "上一年度，本机关共收到政府信息公开申请42件。",
    "去年，我局收到政府信息公开申请42件，其中自然人申请30件。",
    "2024年全年收到政府信息公开申请42件，结转下年度继续办理9件。",
    "2023年，上年结转政府信息公开申请7件。",
)
# (sentence, rule, the table value its {n} is): figures of this year after a year or 上年 naming no time of theirs
# (上年结转, a year compared with or of an event) or after one naming this year
THIS_YEAR = (
    ("2025年，本机关收到政府信息公开申请{n}件，较2024年增加12件。", "TT01", "t3.new.total"),
    ("上年结转政府信息公开申请{carried}件，本机关收到政府信息公开申请{n}件。", "TT01", "t3.new.total"),
    ("与上年相比，本机关收到政府信息公开申请{n}件。", "TT01", "t3.new.total"),
    ("根据2019年修订的《条例》，本机关收到政府信息公开申请{n}件。", "TT01", "t3.new.total"),
    ("按照2021年版格式，本机关收到政府信息公开申请{n}件。", "TT01", "t3.new.total"),
    ("2024年收到政府信息公开申请42件，本年度收到自然人申请{n}件。", "TT11", "t3.new.natural"),
    ("2025年，上年结转政府信息公开申请{n}件。", "TT02", "t3.carried_in.total"),
)


def test_a_figure_the_sentence_gives_as_another_years_is_not_compared(tmp_path: Path) -> None:
    """ "2024年收到政府信息公开申请42件" in the 2025 report, a sentence whose time is 上一年度 or 去年, a figure
    compared with ("与2024年收到…42件相比"): not this year's, whatever their number. A year bounding a period, of an
    event or compared with names no time of the figure, and 上年结转 is a column of this year's table: the figures
    after them are compared, as are those the sentence gives as the report's year."""
    assert VALUES["report_year"] == 2025
    carried = VALUES["t3.carried_in.total"]
    true = "".join(s.format(n=VALUES[key], carried=carried) for s, _, key in THIS_YEAR)
    assert check(tmp_path, {"problems": "".join(OTHER_YEARS) + true}).findings == []
    wrong = "".join(s.format(n=VALUES[key] + 1, carried=carried) for s, _, key in THIS_YEAR)
    found = sorted((f.rule, f.actual) for f in check(tmp_path, {"problems": wrong}).findings)
    assert found == sorted((rule, VALUES[key] + 1) for _, rule, key in THIS_YEAR)


def test_counts_in_a_breakdown_after_the_figure_are_its_parts(tmp_path: Path) -> None:
    """ "共收到申请55件。从申请方式看，通过网上平台收到申请30件，通过信函收到申请24件" (or 其中…): the counts after the
    breakdown's opener are parts of the figure before them, which alone is compared; a count of 律师 or 组织 in a
    sentence of its own is a part, not the figure."""
    new = VALUES["t3.new.total"]
    parts = f"通过网上平台收到申请{new - 24}件，通过信函收到申请24件。"
    silent = f"本年度共收到政府信息公开申请{new}件。从申请方式看，{parts}收到律师申请5件。收到组织申请3件。"
    assert check(tmp_path, {"problems": silent}).findings == []
    for opener in ("。从申请方式看，", "，其中"):
        wrong = f"本年度共收到政府信息公开申请{new + 1}件{opener}{parts}"
        assert [(f.rule, f.actual) for f in check(tmp_path, {"problems": wrong}).findings] == [("TT01", new + 1)]


def test_figures_of_several_years_or_a_whole_area_are_no_contradiction(tmp_path: Path) -> None:
    """ "近三年共收到申请350件", "全县各级行政机关共收到申请1523件": not this agency's figure of the year; a figure of
    this year in the same sentence is still compared, and so is the year's own 累计."""
    new, review = VALUES["t3.new.total"], VALUES["t4.cases.review.total"]
    text = (
        f"近三年共收到政府信息公开申请350件，本年度收到政府信息公开申请{new}件。"
        "全县各级行政机关共收到政府信息公开申请1523件。全市共受理政府信息公开申请2046件。"
        f"历年累计收到政府信息公开申请800件。近5年共发生政府信息公开行政复议案件{review + 4}件。"
    )
    assert check(tmp_path, {"problems": text}).findings == []
    wrong = (
        f"近三年共收到政府信息公开申请350件，其中本年度收到政府信息公开申请{new + 1}件。"
        f"全年累计受理政府信息公开申请{new + 2}件。"
    )
    report = check(tmp_path, {"problems": wrong})
    assert sorted((f.rule, f.actual) for f in report.findings) == [("TT01", new + 1), ("TT01", new + 2)]


@pytest.mark.parametrize("fmt", ("xlsx", "html", "docx"))
def test_text_under_the_table_sections_is_compared_with_the_tables(tmp_path: Path, fmt: str) -> None:
    """Published reports write sentences under 二、三、四 too ("本年度发生政府信息公开行政复议案件3件" under 四): they are
    checked as the text under 一 is, each finding naming the section it is in."""
    v = VALUES
    issued, new, review = v["t2_1.normative.issued"] + 1, v["t3.new.total"] + 2, v["t4.cases.review.total"] + 2
    under = {
        "表二": (f"本年度制发行政规范性文件{issued}件。",),
        "表三": (f"本年度共收到政府信息公开申请{new}件。",),
        "表四": (f"本年度发生政府信息公开行政复议案件{review}件。",),
    }
    xlsx = published(tmp_path / "report.xlsx", {k: x for k, x in v.items() if x is not None}, paragraphs=under)
    path = xlsx
    if fmt != "xlsx":
        parts = documents.segments(load(xlsx).grid.sheets[0])
        path = documents.docx(parts, tmp_path / "report.docx")
        if fmt == "html":
            (path := tmp_path / "report.html").write_bytes(documents.clean_html(parts))
    (report,) = check_paths([path])
    texts = [f for f in report.findings if f.rule != "ST09"]  # a published workbook has no cover: ST09 as ever
    found = sorted((f.rule, f.actual, re.match(r"正文[^「]*(「[^」]+」)写", f.message)[1]) for f in texts)
    assert found == [
        ("TT01", new, "「三、收到和处理政府信息公开申请情况」"),
        ("TT04", review, "「四、政府信息公开行政复议、行政诉讼情况」"),
        ("TT06", issued, "「二、主动公开政府信息情况」"),
    ]
    if fmt != "xlsx":  # each at its paragraph in the document
        assert all(report.place(f.cell).paragraph for f in texts)


@pytest.mark.parametrize("fmt", ("xlsx", "html", "docx", "pdf"))
def test_a_finding_on_the_text_is_at_the_paragraph_that_writes_it(tmp_path: Path, fmt: str) -> None:
    """A section's text is read from all its paragraphs (a report pasted on a sheet one paragraph a row, a page, a
    Word file, its PDF print); a finding about a sentence is at the paragraph that writes it, not at the section's
    first one, and so is the mark of the annotated copy."""
    v = VALUES
    new, review = v["t3.new.total"] + 1, v["t4.cases.review.total"] + 2
    paragraphs = {
        "overview": (
            "2025年，本机关认真贯彻《中华人民共和国政府信息公开条例》。",
            "（一）主动公开",
            "持续做好主动公开工作。",
            "（二）依申请公开",
            f"本年度共收到政府信息公开申请{new}件。",
            "本报告依据国办公开办函〔2019〕60号编制。",
        ),
        "other_matters": ("本机关积极开展政务公开培训。", "本年度按规定收取信息处理费。"),
        "表四": ("行政复议方面：", f"本年度发生政府信息公开行政复议案件{review}件。"),
    }
    path = published(tmp_path / "report.xlsx", {k: x for k, x in v.items() if x is not None}, paragraphs=paragraphs)
    if fmt != "xlsx":
        parts = documents.segments(load(path).grid.sheets[0])
        path = _published_as(parts, tmp_path / "report", fmt)
    (report,) = check_paths([path])
    written = {"TT01": f"申请{new}件", "TT04": f"复议案件{review}件", "TX04": "收取信息处理费", "TX05": "〔2019〕60号"}
    found = {f.rule: f for f in report.findings if f.rule in written}
    assert found.keys() == written.keys()
    sheet = load_file(path).grid.sheets[0]
    for rule, f in found.items():
        assert written[rule] in sheet.cells[(f.cell.row, f.cell.col)], rule
    if fmt == "xlsx":  # the message names the paragraph's cell too, and the annotated copy marks it
        marked = openpyxl.load_workbook(write_annotated(path, report, tmp_path / "out").path)[sheet.name]
        for rule, f in found.items():
            assert f" {f.cell.coordinate}「" in f.message and rule in marked[f.cell.coordinate].comment.text
    else:
        assert len({report.place(f.cell).paragraph for f in found.values()}) == len(found)


TOTAL_WITH_CARRIED = (
    "本年度共受理政府信息公开申请{total}件，其中本年度新收{new}件，上年度结转{carried}件。",
    "本年度共受理政府信息公开申请{total}件，其中：新收{new}件、上年结转{carried}件。",
    "本年度共收到政府信息公开申请{total}件（新收{new}件，上年结转{carried}件）。",
    "2025年共受理政府信息公开申请{total}件（其中本年新收{new}件、2024年结转{carried}件）。",
    "2025年，共收到并办理政府信息公开申请{total}件，其中本年新收{new}件，上年结转{carried}件。",
    "本年度共收到政府信息公开申请{total}件（其中本年新收{new}件；上年结转{carried}件）。",  # ； in the bracket
    "本年度共受理政府信息公开申请{total}件，含上年度结转{carried}件。",
)


@pytest.mark.parametrize("written", TOTAL_WITH_CARRIED)
def test_a_total_with_the_carried_over_applications_is_no_new_count(tmp_path: Path, written: str) -> None:
    """Reports often state the applications handled, new and carried over together, then the parts: the total is
    not the new count. A page the way agencies publish it: no finding on the text."""
    new, carried = VALUES["t3.new.total"], VALUES["t3.carried_in.total"]
    text = written.format(total=new + carried, new=new, carried=carried)
    values = {k: x for k, x in VALUES.items() if x is not None}
    xlsx = published(tmp_path / "report.xlsx", values, paragraphs={"overview": (text,)})
    (report,) = check_paths([_published_as(documents.segments(load(xlsx).grid.sheets[0]), tmp_path / "report", "html")])
    assert not [f.message for f in report.findings if f.rule.startswith("TT")]


def test_the_new_count_beside_a_total_is_still_compared(tmp_path: Path) -> None:
    """A new count written beside the total is compared as ever, and a total said to leave out the carried-over
    applications (不含) is the new count."""
    new, carried = VALUES["t3.new.total"], VALUES["t3.carried_in.total"]
    text = (
        f"本年度共受理政府信息公开申请{new + carried + 1}件，其中新收申请{new + 1}件，上年结转申请{carried}件。"
        f"本年度共收到政府信息公开申请{new + 2}件（不含上年结转{carried}件）。"
    )
    report = check(tmp_path, {"problems": text})
    assert sorted((f.rule, f.actual) for f in report.findings) == [("TT01", new + 1), ("TT01", new + 2)]


@pytest.mark.parametrize("fmt", ("html", "docx"))
@pytest.mark.parametrize("written", TOTAL_WITH_CARRIED[:-1])
def test_the_new_count_a_total_is_said_to_include_is_compared(tmp_path: Path, written: str, fmt: str) -> None:
    """ "共受理政府信息公开申请57件，其中本年度新收54件": the 54 is this year's new applications, compared with 表三
    as the number of any other sentence is, on a page or Word file as agencies publish them."""
    new, carried = VALUES["t3.new.total"] + 1, VALUES["t3.carried_in.total"]
    text = written.format(total=new + carried, new=new, carried=carried)
    values = {k: x for k, x in VALUES.items() if x is not None}
    xlsx = published(tmp_path / "report.xlsx", values, paragraphs={"表三": (text,)})
    (report,) = check_paths([_published_as(documents.segments(load(xlsx).grid.sheets[0]), tmp_path / "report", fmt)])
    (finding,) = [f for f in report.findings if f.rule.startswith("TT")]
    assert (finding.rule, finding.actual, finding.expected) == ("TT01", new, VALUES["t3.new.total"])
    assert f"新收{new}件" in finding.message


@pytest.mark.parametrize("fmt", ("html", "docx"))
def test_the_carried_over_count_written_with_the_year_before(tmp_path: Path, fmt: str) -> None:
    """ "2024年结转3件" in the 2025 report is 上年结转; "2025年结转…" is not (it is carried over to the next year),
    and neither is a year of another report."""
    carried, out = VALUES["t3.carried_in.total"], VALUES["t3.carried_out.total"]
    values = {k: x for k, x in VALUES.items() if x is not None}

    def checked(name: str, *sentences: str) -> list[tuple[str, float]]:
        xlsx = published(tmp_path / f"{name}.xlsx", values, paragraphs={"表三": sentences})
        path = _published_as(documents.segments(load(xlsx).grid.sheets[0]), tmp_path / name, fmt)
        (report,) = check_paths([path])
        return sorted((f.rule, f.actual) for f in report.findings if f.rule.startswith("TT"))

    balanced = (
        f"2024年结转{carried}件，均已办结。",
        f"由2024年度结转至本年度继续办理的申请{carried}件。",
        f"2025年结转{out}件至2026年继续办理。",
        "2023年度结转政府信息公开申请9件，均于2024年办结。",
    )
    assert checked("balanced", *balanced) == []
    assert checked("wrong", f"2024年结转{carried + 1}件，均已办结。") == [("TT02", carried + 1)]
    assert checked("to-this-year", f"结转至本年度办理的申请{carried + 2}件。") == [("TT02", carried + 2)]


def test_parts_of_a_figure_are_no_contradiction(tmp_path: Path) -> None:
    """Breakdowns true of the tables: by applicant type (表三's columns), by subject, after 其中 with a qualifier, a
    sum of parts written after them, and a 行政复议 case carried over. None is the figure itself; the figure, where
    a sentence states it, is compared as ever."""
    v = VALUES
    new, natural = v["t3.new.total"], v["t3.new.natural"]
    text = (
        f"全年收到自然人申请{natural}件、法人或其他组织申请{new - natural}件，共计{new}件。"
        f"共收到政府信息公开申请{new}件。从申请内容看，收到涉及征地拆迁的申请20件，涉及规划建设的申请15件。"
        f"全年共办理行政许可事项{v['t2_5.licensing.decisions']}件，其中涉企行政许可856件。"
        f"本年度发生政府信息公开行政复议{v['t4.cases.review.total']}件（含上年结转1件）。"
        f"通过网上平台收到申请{new - 20}件，另有信函20件，合计{new}件。"
    )
    assert check(tmp_path, {"problems": text}).findings == []
    wrong = (
        f"本年度共收到政府信息公开申请{new + 6}件，其中自然人申请{natural}件。"
        f"全年共办理依申请公开申请{new + 9}件（含上年结转{v['t3.carried_in.total'] + 1}件）。"
        f"通过网上平台收到申请{new - 20}件，另有信函21件，合计{new + 1}件。"
    )
    report = check(tmp_path, {"problems": wrong})
    found = sorted((f.rule, f.actual) for f in report.findings)
    assert found == [("TT01", new - 20), ("TT01", new + 6), ("TT02", v["t3.carried_in.total"] + 1)]


# (sentence, {rule: the numbers it reads}): each statement of a sentence read by the rules it concerns, and no other
BY_TYPE = [
    ("本年度共收到政府信息公开申请54件，其中自然人申请39件，法人或其他组织申请15件", {"TT01": [54], "TT11": [39], "TT12": [15]}),
    ("全年收到自然人申请39件", {"TT11": [39]}),
    ("来自自然人的申请39件，来自商业企业的申请7件，来自法律服务机构的申请5件", {"TT11": [39], "TT13": [7], "TT16": [5]}),
    ("收到公民法人和其他组织提出的申请54件", {"TT01": [54]}),
    ("上年结转政府信息公开申请3件，其中自然人2件、商业企业1件", {"TT02": [3]}),
    ("上年结转自然人申请2件", {}),
    ("有自然人申请3件需结转下一年度", {}),
    ("本年度收到行政复议申请4件，其中自然人提出3件", {"TT04": [4]}),
    ("全年收到自然人申请39人次", {}),
    ("本年度共受理政府信息公开申请58件。其中，新收54件，上年结转4件", {"TT01": [54], "TT02": [4]}),
    ("本年度共收到政府信息公开申请54件。其中，个人申请39件，法人或其他组织申请15件", {"TT01": [54], "TT11": [39], "TT12": [15]}),
    ("本年度共收到政府信息公开申请54件。从申请主体看，自然人申请39件，律师申请5件", {"TT01": [54], "TT11": [39]}),
    ("收到律师申请5件", {}),
    ("收到组织申请5件", {}),
]  # fmt: skip
TEXT_NUMBER = [code for code, rule in RULES.items() if rule.kind == "text_number"]


@pytest.mark.parametrize(("sentence", "read"), BY_TYPE, ids=[s for s, _ in BY_TYPE])
def test_each_statement_is_read_by_the_rules_it_concerns(sentence: str, read: dict[str, list[int]]) -> None:
    """The total's rule passes over a count of one applicant type (its `parts`), which that type's rule reads; the
    type's rules read no total, no carry-over, no 行政复议 and no count of persons."""
    found = {code: [s.value for s in statements(sentence, RULES[code].params)] for code in TEXT_NUMBER}
    assert {code: values for code, values in found.items() if values} == read


BY_TYPE_TEXT = (
    "本年度共收到政府信息公开申请{total}件，其中自然人申请{natural}件，法人或其他组织申请{org}件。"
    "自然人提出申请{natural}件、法人或其他组织提出{org}件。来自商业企业的申请{business}件，来自科研机构的申请{research}件，"
    "来自社会公益组织的申请{nonprofit}件，来自法律服务机构的申请{legal}件。公民、法人和其他组织共提出申请{total}件。"
)
ORGANISATIONS = ("business", "research", "nonprofit", "legal", "other")  # 法人或其他组织's columns
# rule: the columns of 表三 row 一 it is compared with
BY_TYPE_RULES = {
    "TT11": ("natural",),
    "TT12": ORGANISATIONS,
    "TT13": ("business",),
    "TT14": ("research",),
    "TT15": ("nonprofit",),
    "TT16": ("legal",),
}


def _by_type(code: str = "", change: int = 0) -> str:
    counts = {code: sum(VALUES[f"t3.new.{c}"] for c in columns) for code, columns in BY_TYPE_RULES.items()}
    counts = counts | ({code: counts[code] + change} if code else {})
    return BY_TYPE_TEXT.format(
        total=VALUES["t3.new.total"],
        **{
            name: counts[code]
            for code, name in zip(BY_TYPE_RULES, ("natural", "org", "business", "research", "nonprofit", "legal"))
        },
    )


@pytest.mark.parametrize("code", BY_TYPE_RULES)
def test_new_applications_by_applicant_type_are_compared_with_their_column(tmp_path: Path, code: str) -> None:
    """Counts by type as the table has them are silent; one type's count unlike its columns is that type's warning,
    and only its, for each statement of that count."""
    assert check(tmp_path, {"problems": _by_type()}).findings == []
    table = sum(VALUES[f"t3.new.{c}"] for c in BY_TYPE_RULES[code])
    found = [(f.rule, f.actual, f.expected) for f in check(tmp_path, {"problems": _by_type(code, 2)}).findings]
    assert found == [(code, table + 2, table)] * (2 if code in ("TT11", "TT12") else 1)


def test_a_natural_persons_count_unlike_the_table_is_a_warning_naming_both(tmp_path: Path) -> None:
    v = VALUES
    stated_natural = v["t3.new.natural"] - 9
    text = (
        f"本年度共收到政府信息公开申请{v['t3.new.total']}件，其中自然人申请{stated_natural}件，"
        f"法人或其他组织申请{v['t3.new.total'] - v['t3.new.natural']}件。"
    )
    (finding,) = check(tmp_path, {"problems": text}).findings
    assert (finding.rule, finding.severity, finding.cell.ref) == ("TT11", "warning", "正文!B3")
    assert (finding.actual, finding.expected) == (stated_natural, v["t3.new.natural"])
    assert f"写“自然人申请{stated_natural}件”（{stated_natural}）" in finding.message
    assert f"「一、本年新收政府信息公开申请数量 / 自然人」 = {v['t3.new.natural']}" in finding.message
    assert [c.ref for c in finding.cells] == ["正文!B3", "表三!D5"]


def test_counts_by_type_of_something_else_are_not_read_as_new_applications(tmp_path: Path) -> None:
    """Carried over by type (from the year before, to the next), 行政复议 and 诉讼 by applicant, outcomes by
    applicant, persons and visits (人次): none is a count of new applications of that type, whatever its number;
    the one count of new applications by type in the text is."""
    natural = VALUES["t3.new.natural"]
    lawsuits = VALUES["t4.cases.direct.total"] + VALUES["t4.cases.after_review.total"]
    text = (
        "上年结转政府信息公开申请3件，其中自然人2件、商业企业1件。上年结转自然人申请2件。"
        "有自然人申请3件需结转下一年度。本年度收到行政复议申请4件，其中自然人提出3件，法人或其他组织提出1件。"
        f"法人或其他组织提起行政诉讼{lawsuits}件。全年接待自然人来访查询120人次。全年收到自然人申请47人次。"
        "本年度共办理政府信息公开申请57件，其中自然人41件。"
        f"本年度收到政府信息公开申请54件，其中自然人申请{natural + 1}件。"
    )
    found = [(f.rule, f.actual) for f in check(tmp_path, {"problems": text}).findings]
    assert found == [("TT11", natural + 1)]


@pytest.mark.parametrize("fmt", ("html", "docx"))
def test_a_count_by_type_under_table_three_of_a_published_report(tmp_path: Path, fmt: str) -> None:
    """A page or Word file as agencies publish them, the breakdown written under 三: the total and the 法人或其他组织
    count are true, the 自然人 count is not, and only TT11 says so, naming the paragraph's section."""
    v = VALUES
    natural, org = v["t3.new.natural"] + 3, v["t3.new.total"] - v["t3.new.natural"]
    text = f"本年度共收到政府信息公开申请{v['t3.new.total']}件，其中自然人申请{natural}件，法人或其他组织申请{org}件。"
    values = {k: x for k, x in v.items() if x is not None}
    xlsx = published(tmp_path / "report.xlsx", values, paragraphs={"表三": (text,)})
    (report,) = check_paths([_published_as(documents.segments(load(xlsx).grid.sheets[0]), tmp_path / "report", fmt)])
    (finding,) = [f for f in report.findings if f.rule.startswith("TT")]
    assert (finding.rule, finding.actual, finding.expected) == ("TT11", natural, v["t3.new.natural"])
    assert "「三、收到和处理政府信息公开申请情况」写“自然人申请" in finding.message


@pytest.mark.parametrize("fmt", ("html", "docx"))
def test_a_breakdown_in_brackets_parted_by_semicolons_stays_with_its_total(tmp_path: Path, fmt: str) -> None:
    """ "共收到申请54件（其中自然人申请39件；法人或其他组织申请15件）": the semicolon parts the bracket's list, not the
    sentence, so each count is read in its context (a part of the total, of its applicant type). A count unlike
    表三 is named, and only it; the true ones are silent."""
    v = VALUES
    natural, org = v["t3.new.natural"], v["t3.new.total"] - v["t3.new.natural"]
    text = f"本年度共收到政府信息公开申请{v['t3.new.total']}件（其中自然人申请{natural}件；法人或其他组织申请{org + 2}件）。"
    values = {k: x for k, x in v.items() if x is not None}
    xlsx = published(tmp_path / "report.xlsx", values, paragraphs={"表三": (text,)})
    (report,) = check_paths([_published_as(documents.segments(load(xlsx).grid.sheets[0]), tmp_path / "report", fmt)])
    (finding,) = [f for f in report.findings if f.rule.startswith("TT")]
    assert (finding.rule, finding.actual, finding.expected) == ("TT12", org + 2, org)


# A total, then a sentence opening with 其中 giving its parts, as reports write them: the new and the carried-over
# applications, or the applicant types (公民 and 个人 for 自然人, 申请人为…的)
CONTINUED = (
    "本年度共受理政府信息公开申请{total}件。其中，新收{new}件，上年结转{carried}件。",
    "本年度共受理政府信息公开申请{total}件；其中新收{new}件、上年结转{carried}件。",
    "依申请公开方面，全年共办理政府信息公开申请{total}件。其中：本年度新收申请{new}件，2024年结转{carried}件。",
    "本年度共收到政府信息公开申请{new}件。其中，自然人申请{natural}件，法人或其他组织申请{org}件。",
    "本年度共收到政府信息公开申请{new}件；其中个人申请{natural}件，法人或者其他组织申请{org}件。",
    "2025年，本机关新收政府信息公开申请{new}件。其中，公民申请{natural}件，法人和其他组织申请{org}件。",
    "本年度共受理政府信息公开申请{total}件（含上年结转{carried}件）。其中，本年度新收{new}件。",
    "本年度新收政府信息公开申请{new}件。其中，申请人为自然人的{natural}件，申请人为法人或其他组织的{org}件。",
    "本年度共收到政府信息公开申请{new}件。从申请主体看，自然人申请{natural}件，法人或其他组织申请{org}件。",
)


def _continued(written: str, new: int, natural: int) -> str:
    v = VALUES
    carried, org = v["t3.carried_in.total"], v["t3.new.total"] - v["t3.new.natural"]
    return written.format(total=new + carried, new=new, carried=carried, natural=natural, org=org)


@pytest.mark.parametrize(
    ("written", "fmt"),
    [(w, fmt) for w in CONTINUED for fmt in ("html", "docx")] + [(CONTINUED[0], "pdf"), (CONTINUED[3], "pdf")],
)  # a PDF print (converted by LibreOffice, slow) of a total with its parts, and of the applicant types
def test_parts_in_a_sentence_of_their_own_after_the_total(tmp_path: Path, written: str, fmt: str) -> None:
    """ "…共受理政府信息公开申请58件。其中，新收54件，上年结转4件。": the sentence opening with 其中 is read with the
    total before it, on a page, a Word file or its PDF print as agencies publish them. True parts are silent (the
    total is not the new count); a new count or a natural persons' count unlike 表三 is named, and only it."""
    v = VALUES
    values = {k: x for k, x in v.items() if x is not None}

    def findings(name: str, text: str) -> list[tuple[str, float, float]]:
        xlsx = published(tmp_path / f"{name}.xlsx", values, paragraphs={"表三": (text,)})
        path = _published_as(documents.segments(load(xlsx).grid.sheets[0]), tmp_path / name, fmt)
        (report,) = check_paths([path])
        return [(f.rule, f.actual, f.expected) for f in report.findings if f.rule.startswith("TT")]

    new, natural = v["t3.new.total"], v["t3.new.natural"]
    assert findings("true", _continued(written, new, natural)) == []
    if "{total}" in written:  # the new count is a part of the total, in the 其中 sentence
        assert findings("new", _continued(written, new + 2, natural)) == [("TT01", new + 2, new)]
    if "{natural}" in written:
        assert findings("natural", _continued(written, new, natural + 3)) == [("TT11", natural + 3, natural)]
