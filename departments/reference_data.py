"""Reference data for the coordination office, the 17 member units and the towns and streets.

This is the content of the Wuqing District People's Government notice of 10 October 2022
(武清区消费者权益保护工作部门协作机制): the coordination office (section 二), the member
units and their duties (section 三), and the towns and street offices of the district. It
lives in code so that a data migration can load it and every database, including a fresh
test or development one, starts with the same units and codes. It is only the starting
point: later changes (renamed units, new duties, contacts) are made in the admin, not here.
Codes are stable identifiers used by the API, fixtures and URLs and must never change.
"""

UNITS = (
    {
        "code": "office",
        "kind": "office",
        "name": "协调小组办公室",
        "full_name": "武清区消费者权益保护工作协调小组办公室",
        "name_en": "Coordination Office",
        "remit": (
            "设在区市场监管局，由该局分管消费者权益保护工作的副局长兼任主任。"
            "负责消费投诉的分流、派单和督办；归集各成员单位每季度报送的数据分析报告并汇总下发；"
            "每年召集成员单位联席会议；受理管辖不清的疑难复杂案件，报请组长成立联合调查组；"
            "统筹多部门消费维权信息联合发布和舆情应对，牵头联合执法、调诉对接和消费教育。"
        ),
        "remit_en": (
            "Based in the Market Regulation Bureau and headed by that bureau's deputy director "
            "in charge of consumer protection. It triages, dispatches and supervises consumer "
            "complaints; collects the quarterly analysis reports of the member units and "
            "circulates the aggregated report; convenes the annual joint meeting of the member "
            "units; takes up hard cases whose jurisdiction is disputed and asks the group "
            "leader to form a joint investigation team; coordinates joint information release "
            "and public-opinion response across units; and leads joint enforcement, the "
            "mediation-litigation link and consumer education."
        ),
        "handles_disputes": False,
        "sort_order": 0,
    },
    {
        "code": "market-regulation",
        "kind": "member",
        "name": "区市场监管局",
        "full_name": "武清区市场监督管理局",
        "name_en": "Market Regulation Bureau",
        "remit": (
            "组织开展消费者权益保护部门协作工作。负责商品质量和食品安全监督管理，"
            "调查处理药品、医疗器械、化妆品等商品和服务消费纠纷；指导消费者咨询、申诉、"
            "举报的受理处理，查处侵害消费者权益案件；加强价格监管，处置价格投诉举报；"
            "推进12315消费维权“五进”，开展消费教育，发挥消协作用，支持其他调解组织调解消费纠纷。"
        ),
        "remit_en": (
            "Organises the inter-departmental consumer-protection work. Supervises product "
            "quality and food safety, and investigates and handles consumer disputes over "
            "drugs, medical devices, cosmetics and other goods and services; guides the "
            "handling of consumer inquiries, complaints and reports, and investigates cases "
            "that infringe consumers' rights; strengthens price supervision and deals with "
            "price complaints and reports; promotes the 12315 outreach campaign, consumer "
            "education and the work of the consumer association, and supports other lawful "
            "mediation organisations in mediating consumer disputes."
        ),
        "handles_disputes": True,
        "sort_order": 10,
    },
    {
        "code": "finance",
        "kind": "member",
        "name": "区财政局",
        "full_name": "武清区财政局",
        "name_en": "Finance Bureau",
        "remit": (
            "协调驻区银行开展金融消费者宣教活动，推动驻区银行准确充分披露金融产品风险特征，"
            "鼓励其自主开展金融知识宣教活动，促进金融知识宣教常态化。"
        ),
        "remit_en": (
            "Coordinates the banks in the district in running financial-consumer education, "
            "pushes them to disclose the risk characteristics of financial products accurately "
            "and fully, encourages them to run their own financial-literacy campaigns, and "
            "makes financial education a regular activity."
        ),
        "handles_disputes": False,
        "sort_order": 20,
    },
    {
        "code": "court",
        "kind": "member",
        "name": "区法院",
        "full_name": "天津市武清区人民法院",
        "name_en": "District People's Court",
        "remit": (
            "依法审判侵害消费者权益的财产损害赔偿、人身损害赔偿、精神损害赔偿等重大消费纠纷案件；"
            "处理无需开庭审判的消费纠纷，对提起诉讼的消费纠纷（涉及个人隐私、精神赔偿、"
            "人身伤害等案件）进行司法调解；通过“调诉对接”对调解协议进行司法确认。"
        ),
        "remit_en": (
            "Tries major consumer-dispute cases involving compensation for property damage, "
            "personal injury or mental distress caused by infringements of consumers' rights; "
            "handles consumer disputes that need no court hearing and conducts judicial "
            "mediation in consumer lawsuits (including cases involving privacy, mental damages "
            "or personal injury); and, through the mediation-litigation link, gives judicial "
            "confirmation to mediation agreements."
        ),
        "handles_disputes": True,
        "sort_order": 30,
    },
    {
        "code": "publicity",
        "kind": "member",
        "name": "区委宣传部",
        "full_name": "中共天津市武清区委员会宣传部",
        "name_en": "Publicity Department of the District Party Committee",
        "remit": (
            "组织开展社会主义核心价值观宣传教育，倡导诚信经营，引导科学消费、文明消费、健康消费；"
            "参与协调小组办公室组织的消费教育常态化合作，推动消费教育进校园、进社区。"
        ),
        "remit_en": (
            "Runs publicity and education on the core socialist values, promotes honest "
            "business practice, and encourages informed, civilised and healthy consumption; "
            "takes part in the regular consumer-education cooperation organised by the "
            "coordination office, bringing consumer education into schools and communities."
        ),
        "handles_disputes": False,
        "sort_order": 40,
    },
    {
        "code": "development-reform",
        "kind": "member",
        "name": "区发展改革委",
        "full_name": "武清区发展和改革委员会",
        "name_en": "Development and Reform Commission",
        "remit": (
            "按照权限规定，负责组织制定和调整属于政府定价和政府指导价的重要商品价格和重要收费标准；"
            "落实市级监测报告制度，强化重要商品价格监测，积极宣传价格收费政策。"
        ),
        "remit_en": (
            "Within its powers, sets and adjusts the prices of important goods and the "
            "important fees that are subject to government pricing or government-guided "
            "pricing; implements the city's price-monitoring and reporting system, strengthens "
            "price monitoring of important goods, and publicises pricing and fee policies."
        ),
        "handles_disputes": True,
        "sort_order": 50,
    },
    {
        "code": "education",
        "kind": "member",
        "name": "区教育局",
        "full_name": "武清区教育局",
        "name_en": "Education Bureau",
        "remit": (
            "负责在校学生消费维权知识的宣传教育，调研中小学生消费热点难点问题并向相关部门提出意见建议，"
            "参与侵害学生合法权益重大消费维权事件的调查处理；监管学前教育、自考助学及其他非学历教育机构，"
            "对民办教育培训机构分类登记、分类管理，开展校外培训机构专项治理。"
        ),
        "remit_en": (
            "Educates students on consumer rights, studies hot and difficult consumption "
            "issues among primary and secondary school students and makes recommendations to "
            "the departments concerned, and takes part in investigating major incidents that "
            "harm students' rights; supervises preschool education, self-study examination "
            "coaching and other non-degree education providers, registers and manages private "
            "training institutions by category, and runs special campaigns on off-campus "
            "training institutions."
        ),
        "handles_disputes": True,
        "sort_order": 60,
    },
    {
        "code": "transport",
        "kind": "member",
        "name": "区交通局",
        "full_name": "武清区交通运输局",
        "name_en": "Transport Bureau",
        "remit": (
            "负责交通运输行业监督管理和消费维权教育，依法处理交通运输、机动车维修、驾驶员培训等"
            "交通领域消费纠纷；加强网约车公司监管和行政约谈，规范网约车经营服务行为，"
            "推动网约车与传统巡游车并行管理；监督管理车辆维修行业和机动车驾驶员培训机构。"
        ),
        "remit_en": (
            "Supervises the transport sector and provides consumer-rights education in it, and "
            "handles consumer disputes in the transport field such as transport services, "
            "vehicle repair and driver training; tightens supervision of ride-hailing "
            "companies, including regulatory interviews, regulates their services, and manages "
            "ride-hailing alongside traditional cruising taxis; supervises the vehicle-repair "
            "trade and driver-training schools."
        ),
        "handles_disputes": True,
        "sort_order": 70,
    },
    {
        "code": "agriculture",
        "kind": "member",
        "name": "区农业农村委",
        "full_name": "武清区农业农村委员会",
        "name_en": "Agriculture and Rural Affairs Commission",
        "remit": (
            "负责农产品质量安全监督管理，依法监管农作物种子（种苗）、种畜禽、化肥、农药、兽药、渔药、"
            "饲料及饲料添加剂、农机、渔船、渔网具；受理并调查处理涉及农产品质量安全生产和服务的"
            "消费纠纷，参与侵害农业生产重大消费维权事件的调查处理。"
        ),
        "remit_en": (
            "Supervises the quality and safety of agricultural products and, by law, crop "
            "seeds and seedlings, breeding stock and poultry, fertilisers, pesticides, "
            "veterinary and fishery drugs, feed and feed additives, farm machinery, fishing "
            "boats and fishing gear; accepts, investigates and handles consumer disputes about "
            "the quality and safety of agricultural production and services, and takes part "
            "in investigating major incidents that harm agricultural production."
        ),
        "handles_disputes": True,
        "sort_order": 80,
    },
    {
        "code": "commerce",
        "kind": "member",
        "name": "区商务局",
        "full_name": "武清区商务局",
        "name_en": "Commerce Bureau",
        "remit": (
            "贯彻执行商品流通法律法规并监督检查执行情况；负责成品油、再生资源回收等行业管理和"
            "各类批发市场的建设、管理和服务；在职责范围内开展消费者权益保护，倡导诚信兴商；"
            "落实《单用途商业预付卡管理办法》，对零售业、住宿和餐饮业、居民服务业企业的"
            "单用途商业预付卡业务进行现场及非现场检查。"
        ),
        "remit_en": (
            "Enforces the laws on commodity circulation and checks how commercial regulations "
            "are applied; regulates trades such as refined oil and recycling of renewable "
            "resources, and builds, manages and serves the district's wholesale markets; "
            "protects consumers' rights within its remit and promotes honest commerce; "
            "implements the Measures for the Administration of Single-Purpose Commercial "
            "Prepaid Cards, inspecting on site and off site the prepaid-card business of "
            "retail, lodging and catering, and resident-service companies."
        ),
        "handles_disputes": True,
        "sort_order": 90,
    },
    {
        "code": "industry-commerce-federation",
        "kind": "member",
        "name": "区工商联",
        "full_name": "武清区工商业联合会",
        "name_en": "Federation of Industry and Commerce",
        "remit": (
            "负责在非公有制经济组织中加强对非公有制经济人士的理想信念教育，"
            "引导非公有制经济人士树立守法诚信意识，守法诚信经营，依法维护消费者合法权益。"
        ),
        "remit_en": (
            "Within non-public-sector enterprises, strengthens the education of private "
            "entrepreneurs in ideals and convictions, and guides them to respect the law, "
            "do business honestly and uphold consumers' lawful rights."
        ),
        "handles_disputes": False,
        "sort_order": 100,
    },
    {
        "code": "trade-union",
        "kind": "member",
        "name": "区总工会",
        "full_name": "武清区总工会",
        "name_en": "Federation of Trade Unions",
        "remit": (
            "负责对维护广大职工合法权益的教育和引导，对涉及侵害广大职工合法权益的行为提出意见和建议，"
            "参与涉及侵害广大职工的重大消费维权事件的调查处理。"
        ),
        "remit_en": (
            "Educates and guides workers on protecting their lawful rights, makes comments "
            "and recommendations on conduct that infringes workers' rights, and takes part in "
            "investigating major consumer-rights incidents that harm workers."
        ),
        "handles_disputes": True,
        "sort_order": 110,
    },
    {
        "code": "youth-league",
        "kind": "member",
        "name": "团区委",
        "full_name": "共青团天津市武清区委员会",
        "name_en": "Communist Youth League District Committee",
        "remit": (
            "围绕青少年消费工作开展调研和指导，负责青少年消费维权宣传教育，"
            "对侵害青少年消费者合法权益的群体性行为提出意见建议，组织开展消费维权志愿者服务活动，"
            "参与侵害青少年重大消费维权事件的调查处理。"
        ),
        "remit_en": (
            "Researches and gives guidance on young people's consumption, educates young "
            "people on consumer rights, makes recommendations on group conduct that infringes "
            "young consumers' rights, organises consumer-rights volunteer services, and takes "
            "part in investigating major incidents that harm young people."
        ),
        "handles_disputes": True,
        "sort_order": 120,
    },
    {
        "code": "womens-federation",
        "kind": "member",
        "name": "区妇联",
        "full_name": "武清区妇女联合会",
        "name_en": "Women's Federation",
        "remit": (
            "围绕妇女儿童消费维权工作开展宣传和引导，维护妇女儿童消费者合法权益；"
            "参与侵害妇女儿童合法权益重大消费事件的调查处理；组织开展消费维权志愿者服务活动。"
        ),
        "remit_en": (
            "Publicises and gives guidance on consumer rights for women and children, "
            "upholding their rights as consumers; takes part in investigating major consumer "
            "incidents that harm women's and children's rights; and organises consumer-rights "
            "volunteer services."
        ),
        "handles_disputes": True,
        "sort_order": 130,
    },
    {
        "code": "public-security",
        "kind": "member",
        "name": "公安武清分局",
        "full_name": "天津市公安局武清分局",
        "name_en": "Public Security Branch",
        "remit": (
            "负责维护社会治安秩序，及时发现和打击包括消费领域在内的各类违法犯罪行为；"
            "协助相关行政职能部门调查处理重大消费维权案件，"
            "在疑难复杂案件联合调查中配合做好行刑衔接。"
        ),
        "remit_en": (
            "Maintains public order and detects and cracks down on all kinds of illegal and "
            "criminal conduct, including in consumption; assists the administrative "
            "departments in investigating major consumer-rights cases, and in joint "
            "investigations of hard cases helps hand suspected crimes over to criminal "
            "proceedings."
        ),
        "handles_disputes": True,
        "sort_order": 140,
    },
    {
        "code": "justice",
        "kind": "member",
        "name": "区司法局",
        "full_name": "武清区司法局",
        "name_en": "Justice Bureau",
        "remit": (
            "负责推动“谁执法谁普法”普法责任制落实，负责法律援助、指导人民调解等司法行政工作，"
            "指导涉及消费纠纷的人民调解工作，参与推进人民调解与民事诉讼的“调诉对接”。"
        ),
        "remit_en": (
            "Promotes the rule that whoever enforces a law also explains it to the public, "
            "provides legal aid and guides people's mediation and other judicial-administration "
            "work, guides the people's mediation of consumer disputes, and helps link "
            "people's mediation with civil litigation."
        ),
        "handles_disputes": True,
        "sort_order": 150,
    },
    {
        "code": "housing",
        "kind": "member",
        "name": "区住房建设委",
        "full_name": "武清区住房和建设委员会",
        "name_en": "Housing and Construction Commission",
        "remit": (
            "负责规范房地产市场秩序，管理房地产转让、租赁、抵押和房屋使用权转让等房地产市场；"
            "指导、督促物业服务企业按照《物业服务合同》约定提供服务；"
            "受理并调查处理房地产行业消费纠纷，依职责受理物业服务矛盾纠纷调解工作。"
        ),
        "remit_en": (
            "Keeps order in the real-estate market and regulates the transfer, rental and "
            "mortgage of real estate and the transfer of rights to use housing; guides and "
            "urges property-management companies to serve as their property-service contracts "
            "require; accepts, investigates and handles consumer disputes in the real-estate "
            "sector, and mediates property-management disputes within its remit."
        ),
        "handles_disputes": True,
        "sort_order": 160,
    },
    {
        "code": "culture-tourism",
        "kind": "member",
        "name": "区文化和旅游局",
        "full_name": "武清区文化和旅游局",
        "name_en": "Culture and Tourism Bureau",
        "remit": (
            "负责文化娱乐、文艺演出等文化市场监督管理和版权领域行政执法，会同相关部门维护文化市场"
            "消费者合法权益；负责旅游行业监督管理和旅游服务质量监督，受理并调查处理A级旅游景区、"
            "星级旅游饭店、旅行社等领域的消费纠纷；适时发布旅游出行警示和旅游安全提示。"
        ),
        "remit_en": (
            "Supervises the entertainment, performance and other cultural markets and enforces "
            "copyright law, working with other departments to protect consumers in the "
            "cultural market; supervises the tourism industry and the quality of tourism "
            "services, and accepts, investigates and handles consumer disputes at A-level "
            "scenic spots, star-rated hotels, travel agencies and the like; issues travel "
            "warnings and safety notices when needed."
        ),
        "handles_disputes": True,
        "sort_order": 170,
    },
)

_STREETS = (
    ("yangcun-street", "杨村街道", "Yangcun Street"),
    ("xiazhuzhuang-street", "下朱庄街道", "Xiazhuzhuang Street"),
    ("dongpuwa-street", "东蒲洼街道", "Dongpuwa Street"),
    ("huangzhuang-street", "黄庄街道", "Huangzhuang Street"),
    ("xuguantun-street", "徐官屯街道", "Xuguantun Street"),
    ("yunhexi-street", "运河西街道", "Yunhexi Street"),
)

_TOWNS = (
    ("meichang-town", "梅厂镇", "Meichang Town"),
    ("dajianchang-town", "大碱厂镇", "Dajianchang Town"),
    ("cuihuangkou-town", "崔黄口镇", "Cuihuangkou Town"),
    ("daliang-town", "大良镇", "Daliang Town"),
    ("xiawuqi-town", "下伍旗镇", "Xiawuqi Town"),
    ("nancaicun-town", "南蔡村镇", "Nancaicun Town"),
    ("damengzhuang-town", "大孟庄镇", "Damengzhuang Town"),
    ("sicundian-town", "泗村店镇", "Sicundian Town"),
    ("hexiwu-town", "河西务镇", "Hexiwu Town"),
    ("chengguan-town", "城关镇", "Chengguan Town"),
    ("dongmaquan-town", "东马圈镇", "Dongmaquan Town"),
    ("huanghuadian-town", "黄花店镇", "Huanghuadian Town"),
    ("shigezhuang-town", "石各庄镇", "Shigezhuang Town"),
    ("wangqingtuo-town", "王庆坨镇", "Wangqingtuo Town"),
    ("chagugang-town", "汊沽港镇", "Chagugang Town"),
    ("hebeitun-town", "河北屯镇", "Hebeitun Town"),
    ("shangmatai-town", "上马台镇", "Shangmatai Town"),
    ("dawangguzhuang-town", "大王古庄镇", "Dawangguzhuang Town"),
    ("chenzui-town", "陈咀镇", "Chenzui Town"),
    ("douzhangzhuang-town", "豆张庄镇", "Douzhangzhuang Town"),
    ("caozili-town", "曹子里镇", "Caozili Town"),
    ("dahuangpu-town", "大黄堡镇", "Dahuangpu Town"),
    ("gaocun-town", "高村镇", "Gaocun Town"),
    ("baigutun-town", "白古屯镇", "Baigutun Town"),
)

TOWNS = tuple(
    {
        "code": code,
        "name": name,
        "name_en": name_en,
        "kind": kind,
        "sort_order": 10 * index,
    }
    for index, (code, name, name_en, kind) in enumerate(
        [(*row, "street") for row in _STREETS] + [(*row, "town") for row in _TOWNS],
        start=1,
    )
)
